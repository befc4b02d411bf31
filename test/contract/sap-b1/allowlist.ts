/**
 * What the SAP Business One contract check tolerates beyond the $metadata, each with its reason from
 * the fact sheet's "Known contradictions" (sap-b1-service-layer.md §11). See test/contract/README.md.
 */
import { sapB1Model, type EdmProperty } from './metadata.js';

const FACTS = '/work/shared/reference/sap-b1-service-layer.md';

export const LOGIN_LANGUAGE = {
  reason: `${FACTS} §11 "Login Language": string "3", number, or absent (the $metadata types it Edm.String)`,
  accepts: (value: unknown): boolean => typeof value === 'string' || Number.isInteger(value),
  /** Login's parameters as the $metadata's FunctionImport Login declares them. */
  parameters: (): EdmProperty[] => sapB1Model().functions.get('Login')?.[0]?.parameters ?? [],
};
