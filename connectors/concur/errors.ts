/**
 * Each Concur API family's error body mapped to a typed error that says whether a retry can help
 * (and after how long). Messages come from the remote body, never from credentials.
 */
import { AuthError, ConnectorError, type SluiceErrorOptions } from '../../engine/errors.js';
import { isRetryableStatus, parseRetryAfter, type HttpResponse } from '../../engine/runtime/http.js';

export const API_FAMILIES = ['oauth', 'v3', 'vendors', 'list', 'fis', 'scim'] as const;
export type ApiFamily = (typeof API_FAMILIES)[number];

export const CONCUR_ERRORS = {
  rateLimited: 'CONCUR_RATE_LIMITED',
  unavailable: 'CONCUR_UNAVAILABLE',
  serverError: 'CONCUR_SERVER_ERROR',
  badRequest: 'CONCUR_BAD_REQUEST',
  notFound: 'CONCUR_NOT_FOUND',
  conflict: 'CONCUR_CONFLICT',
  rejected: 'CONCUR_REQUEST_REJECTED',
  oauth: 'CONCUR_OAUTH_ERROR',
  unexpected: 'CONCUR_UNEXPECTED_RESPONSE',
  // list item bulk
  bulkRejected: 'CONCUR_BULK_REJECTED',
  bulkAmbiguous: 'CONCUR_BULK_AMBIGUOUS',
  listItemRejected: 'CONCUR_LIST_ITEM_REJECTED',
  listItemInvalid: 'CONCUR_LIST_ITEM_INVALID',
  // vendors
  vendorRejected: 'CONCUR_VENDOR_REJECTED',
  vendorNoStatus: 'CONCUR_VENDOR_NO_STATUS',
  // user provisioning (SCIM bulk)
  provisionNoId: 'CONCUR_PROVISION_NO_ID',
  provisionPending: 'CONCUR_PROVISION_PENDING',
  provisionFailed: 'CONCUR_PROVISION_FAILED',
  provisionNoResult: 'CONCUR_PROVISION_NO_RESULT',
  provisionUnreadable: 'CONCUR_PROVISION_STATUS_UNREADABLE',
  userNotFound: 'CONCUR_USER_NOT_FOUND',
  /** A new user lacks a value User Provisioning requires on create, and the pipeline gives no default. */
  userIncomplete: 'CONCUR_USER_INCOMPLETE',
  // financial integration
  fisCompanyMissing: 'CONCUR_FIS_COMPANY_MISSING',
} as const;

type Body = Record<string, unknown> | undefined;

function obj(v: unknown): Body {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The remote message and machine code of an error body, per family. */
export function describeBody(
  family: ApiFamily,
  body: unknown,
): { message: string | undefined; remoteCode: string | undefined } {
  const b = obj(body);
  if (!b) return { message: typeof body === 'string' ? body.slice(0, 300) : undefined, remoteCode: undefined };
  switch (family) {
    case 'oauth':
      return {
        message: [str(b.error), str(b.error_description)].filter(Boolean).join(': ') || undefined,
        remoteCode: b.code !== undefined ? String(b.code) : str(b.error),
      };
    case 'v3':
    case 'vendors': {
      const e = obj(b.Error);
      return { message: str(e?.Message) ?? str(b.Message) ?? str(b.message), remoteCode: str(e?.Id) };
    }
    case 'list': {
      const e = obj(b.error);
      const validation = Array.isArray(b.validationErrors)
        ? (b.validationErrors as unknown[])
            .map((v) => [str(obj(v)?.source), str(obj(v)?.message)].filter(Boolean).join(': '))
            .join('; ')
        : '';
      return {
        message: [str(e?.message), validation].filter(Boolean).join(' - ') || undefined,
        remoteCode: str(e?.id),
      };
    }
    case 'fis':
      return {
        message: str(b.message) ?? str(b.errorMessage),
        remoteCode: b.fiReturnCode !== undefined ? String(b.fiReturnCode) : undefined,
      };
    case 'scim': {
      const ext = obj(b['urn:ietf:params:scim:api:messages:concur:2.0:Error']) ?? obj(b.messages ? b : undefined);
      const messages = Array.isArray(ext?.messages)
        ? (ext!.messages as unknown[]).map((m) => str(obj(m)?.message)).filter(Boolean)
        : [];
      return { message: str(b.detail) ?? (messages.join('; ') || undefined), remoteCode: str(b.scimType) };
    }
  }
}

/**
 * A failed HTTP exchange as an error; 401/403 become AuthError (the caller already refreshed once).
 * `writeOutcome`: a 4xx (429 included) was refused before processing, so nothing was applied; a 5xx
 * (and a 408, which Concur does not document and a proxy may send while the server carries on) may
 * have been applied. A 400 for a database deadlock was rolled back: not applied, and retryable.
 */
export function httpError(family: ApiFamily, op: string, res: HttpResponse): ConnectorError {
  const { message, remoteCode } = describeBody(family, res.body);
  const status = res.status;
  const text = `${op}: HTTP ${status}${message ? ` - ${message}` : ''}`;
  const refused: SluiceErrorOptions = { status, ...(remoteCode && { remoteCode }), writeOutcome: 'not-applied' };
  const maybe: SluiceErrorOptions = { ...refused, writeOutcome: 'unknown' };
  if (status === 401 || status === 403) return new AuthError(text, refused);
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  const after = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (status === 429)
    return new ConnectorError(CONCUR_ERRORS.rateLimited, text, { ...refused, retryable: true, ...after });
  if (status === 503)
    return new ConnectorError(CONCUR_ERRORS.unavailable, text, { ...maybe, retryable: true, ...after });
  if (isRetryableStatus(status))
    return new ConnectorError(CONCUR_ERRORS.serverError, text, { ...maybe, retryable: true });
  if (status === 404) return new ConnectorError(CONCUR_ERRORS.notFound, text, refused);
  if (status === 409) return new ConnectorError(CONCUR_ERRORS.conflict, text, refused);
  // A 400 can be a database deadlock on Concur's side (DOC:http-status-codes): that one may succeed later.
  if (status === 400)
    return new ConnectorError(CONCUR_ERRORS.badRequest, text, { ...refused, retryable: isDeadlock(message) });
  // Other statuses below 400 never get here; 1xx/3xx answers are unexpected: maybe applied.
  return new ConnectorError(CONCUR_ERRORS.rejected, text, status >= 400 ? refused : maybe);
}

/** Concur answers a database deadlock with a 400 whose message says so (DOC:http-status-codes). */
export function isDeadlock(message: string | undefined): boolean {
  return /deadlock/i.test(message ?? '');
}

/** OAuth numbered errors: most mean the credentials need an operator (re-onboard), some are transient. */
export function oauthError(op: string, res: HttpResponse): ConnectorError {
  const b = obj(res.body);
  const code = typeof b?.code === 'number' ? b.code : Number(b?.code);
  const { message } = describeBody('oauth', res.body);
  const text = `${op}: HTTP ${res.status}${Number.isFinite(code) ? ` code ${code}` : ''}${message ? ` - ${message}` : ''}`;
  const opts: SluiceErrorOptions = { status: res.status, ...(Number.isFinite(code) && { remoteCode: String(code) }) };
  if (res.status === 429 || res.status >= 500 || code === 134) {
    return httpError('oauth', op, { ...res, status: res.status === 400 ? 503 : res.status });
  }
  if (code === 108)
    return new AuthError(`${text} (the refresh token was rejected: onboard again with a new request token)`, opts);
  return new AuthError(text, opts);
}

/** An answer the connector cannot read; after a write, that write may have been applied. */
export function unexpected(op: string, detail: string, cause?: unknown): ConnectorError {
  return new ConnectorError(CONCUR_ERRORS.unexpected, `${op}: ${detail}`, {
    writeOutcome: 'unknown',
    ...(cause !== undefined && { cause }),
  });
}
