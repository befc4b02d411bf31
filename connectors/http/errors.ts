/**
 * The http connector's error codes and the mapping of an HTTP answer to a typed error that says
 * whether a retry can help, after how long, and whether a write may have been applied. Messages
 * carry the remote's own message, never a credential.
 */
import { AuthError, ConnectorError, type SluiceErrorOptions } from '../../engine/errors.js';
import { parseRetryAfter, type HttpResponse } from '../../engine/runtime/http.js';

export const HTTP_ERRORS = {
  rateLimited: 'HTTP_RATE_LIMITED',
  unavailable: 'HTTP_UNAVAILABLE',
  serverError: 'HTTP_SERVER_ERROR',
  rejected: 'HTTP_REQUEST_REJECTED',
  notFound: 'HTTP_NOT_FOUND',
  conflict: 'HTTP_CONFLICT',
  tokenFailed: 'HTTP_OAUTH_TOKEN_FAILED',
  unexpected: 'HTTP_UNEXPECTED_RESPONSE',
  expression: 'HTTP_EXPRESSION_FAILED',
  template: 'HTTP_TEMPLATE_FIELD_MISSING',
  itemRejected: 'HTTP_ITEM_REJECTED',
  itemMissing: 'HTTP_ITEM_RESULT_MISSING',
  config: 'HTTP_CONFIG_INVALID',
} as const;

/** The remote's message from a JSON error body (common shapes), or the start of a text body. */
export function remoteMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const k of ['message', 'error_description', 'detail', 'title', 'error']) {
    const v = b[k];
    if (typeof v === 'string' && v.trim() !== '') return v.slice(0, 300);
    if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string')
      return String((v as { message: string }).message).slice(0, 300);
  }
  return undefined;
}

/** The remote's machine code from a JSON error body (`code`, `error.code`, or an OAuth `error` string). */
export function remoteCode(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>).code : undefined;
  for (const v of [b.code, nested, typeof b.error === 'string' ? b.error : undefined]) {
    if ((typeof v === 'string' && v !== '') || typeof v === 'number') return String(v);
  }
  return undefined;
}

const DEFAULT_REFUSED: ReadonlySet<number> = new Set([408, 429]);

export interface StatusContext {
  op: string;
  retryStatuses: ReadonlySet<number>;
  /** Statuses that say the request was not processed; default 408 and 429. */
  refusedStatuses?: ReadonlySet<number>;
  now: number;
  /** A write: a 5xx (or other unclassified failure) after the request was sent leaves it in doubt. */
  write: boolean;
}

/** The error for a non-2xx answer. */
export function statusError(res: HttpResponse, ctx: StatusContext): ConnectorError {
  const status = res.status;
  const remote = remoteMessage(res.body);
  const message = `${ctx.op}: HTTP ${status}${remote ? ` (${remote})` : ''}`;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], ctx.now);
  const bodyCode = remoteCode(res.body);
  const base: SluiceErrorOptions = {
    status,
    ...(bodyCode !== undefined && { remoteCode: bodyCode }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
  if (status === 401 || status === 403) return new AuthError(`${message}: the API refused the credentials`, base);
  const retryable = ctx.retryStatuses.has(status);
  // A 4xx was refused; a 5xx may have been processed, unless the API says that status never is.
  const notProcessed = (ctx.refusedStatuses ?? DEFAULT_REFUSED).has(status) || status < 500;
  const writeOutcome = notProcessed ? ('not-applied' as const) : ('unknown' as const);
  const code =
    status === 429
      ? HTTP_ERRORS.rateLimited
      : status === 503
        ? HTTP_ERRORS.unavailable
        : status >= 500
          ? HTTP_ERRORS.serverError
          : status === 404
            ? HTTP_ERRORS.notFound
            : status === 409
              ? HTTP_ERRORS.conflict
              : HTTP_ERRORS.rejected;
  return new ConnectorError(code, message, {
    ...base,
    retryable: retryable || (ctx.write && writeOutcome === 'unknown'),
    ...(ctx.write && { writeOutcome }),
  });
}
