/**
 * HTTP for the Service Layer over got, with the conventions of engine/runtime/http.ts (no automatic
 * retries, no throwing on HTTP status, every call counted, network failures as retryable
 * ConnectorErrors) plus what that client does not offer yet: TLS options (company CAs,
 * self-signed certificates) and Set-Cookie access for the session.
 */
import type { Method, Response } from 'got';
import { loadGot } from '../../engine/runtime/got.js';
import { parseRetryAfter } from '../../engine/runtime/http.js';
import type { CallCounter } from '../../engine/runtime/http.js';
import type { Logger } from '../../engine/runtime/logger.js';
import { ConnectorError } from '../../engine/errors.js';

export interface TransportRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Raw body with its own content type (multipart $batch). */
  body?: string;
  /** Counter label, e.g. "GET BusinessPartners". */
  op: string;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the raw text; undefined when empty. */
  body: unknown;
  rawBody: string;
  retryAfterMs: number | undefined;
}

export interface TransportOptions {
  counter: CallCounter;
  logger: Logger;
  timeoutMs: number;
  tls: { rejectUnauthorized: boolean; ca: string | undefined };
}

/** Connection errors raised before any byte of the request was sent. */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_INVALID_URL)$/;

/** Certificate problems: no retry fixes them. */
const TLS_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (!(contentType ?? '').includes('json') && !/^\s*[[{]/.test(raw)) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  async send(req: TransportRequest): Promise<TransportResponse> {
    this.options.counter.count(req.op);
    const started = Date.now();
    const { got } = await loadGot();
    let res: Response<string>;
    try {
      res = await got(req.url, {
        method: req.method,
        headers: { 'user-agent': 'sluice', accept: 'application/json', ...req.headers },
        throwHttpErrors: false,
        retry: { limit: 0 },
        followRedirect: false,
        timeout: { request: this.options.timeoutMs },
        https: {
          rejectUnauthorized: this.options.tls.rejectUnauthorized,
          ...(this.options.tls.ca !== undefined && { certificateAuthority: this.options.tls.ca }),
        },
        ...(req.json !== undefined && { json: req.json }),
        ...(req.body !== undefined && { body: req.body }),
        ...(req.signal !== undefined && { signal: req.signal }),
        responseType: 'text',
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'NETWORK';
      this.options.logger.debug({ op: req.op, code, ms: Date.now() - started }, 'sap-b1 request failed');
      if (TLS_ERRORS.test(code)) {
        throw new ConnectorError(
          'SAP_B1_TLS',
          `${req.op}: the server certificate is not trusted (${code}); give the company CA in tls.caFile`,
          { retryable: false, cause: err, writeOutcome: 'not-applied' },
        );
      }
      // No connection was made: nothing was sent. Anything else (a timeout, a reset) may have
      // reached the Service Layer, which may carry on with it.
      const notSent = NOT_SENT.test(code);
      throw new ConnectorError('NETWORK_ERROR', `${req.op}: ${code} (${(err as Error).message})`, {
        retryable: true,
        cause: err,
        writeOutcome: notSent ? 'not-applied' : 'unknown',
      });
    }
    this.options.logger.debug({ op: req.op, status: res.statusCode, ms: Date.now() - started }, 'sap-b1 request');
    const rawBody = res.body ?? '';
    return {
      status: res.statusCode,
      headers: res.headers,
      body: parseBody(rawBody, res.headers['content-type']),
      rawBody,
      retryAfterMs: parseRetryAfter(res.headers['retry-after']),
    };
  }
}
