/**
 * A Service Layer error the emulator answers with: HTTP status, the Service Layer's numeric code
 * (serialised as a number in v1 and a string in v2) and its message.
 */
import { SluiceError } from '../../../engine/errors.js';

export class ServiceLayerFault extends SluiceError {
  readonly httpStatus: number;
  readonly slCode: number;

  constructor(httpStatus: number, slCode: number, message: string) {
    super('SAP_B1_EMULATOR_FAULT', message, { status: httpStatus, remoteCode: String(slCode) });
    this.httpStatus = httpStatus;
    this.slCode = slCode;
  }
}

/** Codes and texts from the fact sheet (§3); texts for business rules are the emulator's own. */
export const faults = {
  invalidSession: () => new ServiceLayerFault(401, 301, 'Invalid session or session already timeout.'),
  loginFailed: (code: -304 | -306) => new ServiceLayerFault(401, code, 'Fail to NONE-SSO login from SLD.'),
  parallelLogin: () => new ServiceLayerFault(500, 299, 'SAML Login Failed'),
  notFound: () => new ServiceLayerFault(404, -2028, 'No matching records found (ODBC -2028)'),
  notSupported: () => new ServiceLayerFault(400, -5006, 'The requested action is not supported for this object.'),
  etagMismatch: () =>
    new ServiceLayerFault(
      412,
      -2039,
      'Another user or another operation modified data; to continue, open the window again (ODBC -2039)',
    ),
  businessRule: (message: string) => new ServiceLayerFault(400, -10, message),
  /** Fact sheet §12 (OBS): a posting dated outside an unlocked period. */
  postingPeriod: (where: string) =>
    new ServiceLayerFault(400, -5002, `10000156 - Posting Date deviates from the defined range ${where}`),
  badRequest: (message: string) => new ServiceLayerFault(400, -1000, message),
  noResource: (segment: string) =>
    new ServiceLayerFault(404, -1000, `Resource not found for the segment '${segment}'.`),
} as const;
