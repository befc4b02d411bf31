/**
 * Error bodies per API family, as the fact sheet documents them (`concur-api.md` section 3).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { ApiFamily, EmuResponse } from './router.js';

export interface ErrorDetail {
  /** Machine id: list v4 `error.id`, SCIM message code. */
  id?: string;
  /** Request path, echoed by the list v4 body. */
  path?: string;
  validationErrors?: { source?: string; message: string }[];
  scimType?: string;
  /** SCIM: the attribute at fault, in the Concur message (`schemaPath`, UPS ConcurError). */
  schemaPath?: string;
}

export function httpStatusText(status: number): string {
  return `${status} - ${STATUS_CODES[status] ?? 'Error'}`;
}

/** v3 dates carry no zone. */
export function v3ServerTime(date = new Date()): string {
  return date.toISOString().slice(0, 19);
}

export function errorBody(family: ApiFamily, status: number, message: string, detail: ErrorDetail = {}): unknown {
  switch (family) {
    case 'oauth':
      return { code: 0, error: status === 401 ? 'invalid_client' : 'invalid_request', error_description: message };
    case 'vendors':
      if (status === 400) return { Message: message };
      return { Error: { Message: message, 'Server-Time': v3ServerTime(), Id: randomUUID().toUpperCase() } };
    case 'v3':
      return { Error: { Message: message, 'Server-Time': v3ServerTime(), Id: randomUUID().toUpperCase() } };
    case 'list':
      return {
        timestamp: new Date().toISOString(),
        httpStatus: httpStatusText(status),
        error: { id: detail.id ?? defaultListErrorId(status), message },
        ...(detail.validationErrors && { validationErrors: detail.validationErrors }),
        path: detail.path ?? '',
      };
    case 'fis':
      return { message };
    case 'scim':
      return {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error', 'urn:ietf:params:scim:api:messages:concur:2.0:Error'],
        status: String(status),
        detail: message,
        ...(detail.scimType && { scimType: detail.scimType }),
        'urn:ietf:params:scim:api:messages:concur:2.0:Error': {
          messages: [
            {
              code: detail.id ?? String(status),
              message,
              type: 'error',
              ...(detail.schemaPath && { schemaPath: detail.schemaPath }),
            },
          ],
        },
      };
  }
}

function defaultListErrorId(status: number): string {
  if (status === 401 || status === 403) return 'security.access.denied';
  if (status === 404) return 'resource.not.found';
  if (status === 429) return 'security.rate.limit.reached';
  if (status >= 500) return 'internal.server.error';
  return 'request.invalid';
}

export function errorResponse(
  family: ApiFamily,
  status: number,
  message: string,
  detail: ErrorDetail = {},
): EmuResponse {
  return { status, body: errorBody(family, status, message, detail) };
}

export interface OAuthErrorBody {
  code: number;
  error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'access_denied' | 'invalid_scope';
  error_description: string;
  geolocation?: string;
}

export function oauthError(status: number, body: OAuthErrorBody): EmuResponse {
  return { status, body };
}
