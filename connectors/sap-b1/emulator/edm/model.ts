/**
 * The emulator's entity data model, loaded once from model.json (extracted from the real v1
 * $metadata by extract.ts; edm.test.ts keeps the two equal).
 */
import { readFileSync } from 'node:fs';
import type { EdmEntityType, EdmModel } from './types.js';

/** Entity sets the emulator serves (the ones the connector uses, plus DistributionRules). */
export const SERVED_ENTITY_SETS = [
  'BusinessPartners',
  'ChartOfAccounts',
  'CreditNotes',
  'Dimensions',
  'DistributionRules',
  'EmployeesInfo',
  'IncomingPayments',
  'Invoices',
  'JournalEntries',
  'ProfitCenters',
  'Projects',
] as const;
export type EntitySetName = (typeof SERVED_ENTITY_SETS)[number];

let cached: EdmModel | undefined;

export function edmModel(): EdmModel {
  cached ??= JSON.parse(readFileSync(new URL('./model.json', import.meta.url), 'utf8')) as EdmModel;
  return cached;
}

export function entityTypeOf(set: EntitySetName): { name: string; type: EdmEntityType } {
  const model = edmModel();
  const name = model.entitySets[set];
  const type = name === undefined ? undefined : model.entityTypes[name];
  if (name === undefined || type === undefined) throw new Error(`model.json lacks entity set ${set}`);
  return { name, type };
}

export function isEntitySetName(name: string): name is EntitySetName {
  return (SERVED_ENTITY_SETS as readonly string[]).includes(name);
}
