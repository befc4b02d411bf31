/**
 * Service Layer errors → typed errors. Both shapes are parsed: v1 `{"error":{"code":-10,"message":
 * {"lang":"en-us","value":".."}}}` and v2 `{"error":{"code":"-10","message":".."}}`, with optional
 * `details`/`innererror` (fact sheet §3, §11). Whether a retry can help follows from status and code.
 */
import { AuthError, ConnectorError } from '../../engine/errors.js';

export interface ServiceLayerErrorBody {
  code: string | undefined;
  message: string | undefined;
}

export function parseErrorBody(body: unknown): ServiceLayerErrorBody {
  const error = (
    body as { error?: { code?: unknown; message?: unknown; details?: { message?: unknown }[] } } | undefined
  )?.error;
  if (!error || typeof error !== 'object') return { code: undefined, message: undefined };
  const code = typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code) : undefined;
  let message: string | undefined;
  if (typeof error.message === 'string') message = error.message;
  else if (error.message && typeof error.message === 'object') {
    const value = (error.message as { value?: unknown }).value;
    if (typeof value === 'string') message = value;
  }
  const detail = Array.isArray(error.details)
    ? error.details.find((d) => typeof d?.message === 'string')?.message
    : undefined;
  if (typeof detail === 'string' && detail !== message) message = message ? `${message} (${detail})` : detail;
  return { code, message };
}

/** Stable error codes of this connector. */
export const SAP_B1_ERRORS = {
  sessionExpired: 'SAP_B1_SESSION_EXPIRED',
  loginConflict: 'SAP_B1_LOGIN_CONFLICT',
  businessRule: 'SAP_B1_BUSINESS_RULE',
  badRequest: 'SAP_B1_BAD_REQUEST',
  notSupported: 'SAP_B1_NOT_SUPPORTED',
  notFound: 'SAP_B1_NOT_FOUND',
  etagMismatch: 'SAP_B1_ETAG_MISMATCH',
  server: 'SAP_B1_SERVER_ERROR',
  unexpected: 'SAP_B1_UNEXPECTED_RESPONSE',
  /** A posting dated outside an unlocked posting period (-5002, fact sheet §12), or planned so. */
  periodClosed: 'SAP_B1_PERIOD_CLOSED',
  /** No exchange rate in SAP for a foreign-currency line's posting date. */
  rateMissing: 'SAP_B1_RATE_MISSING',
  /** An update-only target (credit limits) got a record for a business partner SAP does not have. */
  partnerUnknown: 'SAP_B1_PARTNER_UNKNOWN',
} as const;

function describeBody(status: number, body: unknown, raw: string): string {
  const { code, message } = parseErrorBody(body);
  if (message !== undefined) return code === undefined ? message : `${message} (code ${code})`;
  if (/<html/i.test(raw)) return `HTTP ${status} with an HTML page (proxy error)`;
  return raw.trim() === '' ? `HTTP ${status} with an empty body` : `HTTP ${status}`;
}

/** The typed error for a failed Service Layer response; `op` names the call (never secrets). */
export function serviceLayerError(
  op: string,
  status: number,
  body: unknown,
  raw: string,
  retryAfterMs?: number,
): ConnectorError {
  const { code } = parseErrorBody(body);
  const text = `${op}: ${describeBody(status, body, raw)}`;
  const base = {
    status,
    ...(code !== undefined && { remoteCode: code }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
  // Whether a write may have been applied: a 4xx (and 401/429) was refused before processing; a
  // 5xx may come from a proxy or a node that carried on (see the in-doubt rules in DESIGN.md).
  const refused = { ...base, writeOutcome: 'not-applied' as const };
  if (status === 401 && (code === '-304' || code === '-306'))
    return new AuthError(`${text}: the Service Layer rejected the user, password or company database`, base);
  if (status === 401) return new ConnectorError(SAP_B1_ERRORS.sessionExpired, text, { ...refused, retryable: true });
  if (status === 500 && code === '299')
    return new ConnectorError(SAP_B1_ERRORS.loginConflict, `${text}: another login was in flight`, {
      ...refused,
      retryable: true,
    });
  if (status === 412)
    return new ConnectorError(SAP_B1_ERRORS.etagMismatch, `${text}: the record changed in SAP since it was read`, {
      ...refused,
      retryable: false,
    });
  if (status === 404) return new ConnectorError(SAP_B1_ERRORS.notFound, text, { ...refused, retryable: false });
  if (status === 408 || status === 429)
    return new ConnectorError(SAP_B1_ERRORS.server, text, { ...refused, retryable: true });
  if (status >= 500)
    return new ConnectorError(SAP_B1_ERRORS.server, text, { ...base, retryable: true, writeOutcome: 'unknown' });
  if (code === '-5002')
    return new ConnectorError(SAP_B1_ERRORS.periodClosed, `${text}: the posting period is closed in SAP`, {
      ...refused,
      retryable: false,
    });
  if (code === '-5006') return new ConnectorError(SAP_B1_ERRORS.notSupported, text, { ...refused, retryable: false });
  if (code === '-10') return new ConnectorError(SAP_B1_ERRORS.businessRule, text, { ...refused, retryable: false });
  return new ConnectorError(SAP_B1_ERRORS.badRequest, text, { ...refused, retryable: false });
}
