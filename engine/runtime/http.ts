/**
 * A thin HTTP layer over got for connectors: no automatic retries (callers use `withRetry`, which
 * knows whether a retry is safe), never throws on an HTTP status (the connector maps each API
 * family's error body), counts every call, and turns network failures into retryable errors.
 */
import type { Method, OptionsInit, Response } from 'got';
import { ConnectorError } from '../errors.js';
import { loadGot } from './got.js';
import type { ConnectionStats } from '../connector/types.js';
import type { Logger } from './logger.js';

export interface HttpRequest {
  method: Method;
  url: string | URL;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  searchParams?: Record<string, string | number | boolean | undefined>;
  /** Label for the per-operation call counter, e.g. "GET list-items". */
  op?: string;
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body: T;
  rawBody: string;
}

export class CallCounter {
  apiCalls = 0;
  readonly calls: Record<string, number> = {};

  count(op: string): void {
    this.apiCalls += 1;
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  snapshot(): ConnectionStats {
    return { apiCalls: this.apiCalls, calls: { ...this.calls } };
  }
}

export interface HttpClientOptions {
  counter: CallCounter;
  logger: Logger;
  timeoutMs?: number;
  userAgent?: string;
}

export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const searchParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.searchParams ?? {})) {
      if (v !== undefined) searchParams[k] = String(v);
    }
    const init: OptionsInit = {
      method: req.method,
      headers: { 'user-agent': this.options.userAgent ?? 'sluice', accept: 'application/json', ...req.headers },
      throwHttpErrors: false,
      retry: { limit: 0 },
      followRedirect: false,
      timeout: { request: req.timeoutMs ?? this.options.timeoutMs ?? 60_000 },
      ...(Object.keys(searchParams).length > 0 && { searchParams }),
      ...(req.json !== undefined && { json: req.json }),
      ...(req.form !== undefined && { form: req.form }),
      ...(req.body !== undefined && { body: req.body }),
    };
    const url = typeof req.url === 'string' ? req.url : req.url.toString();
    const op = req.op ?? `${req.method} ${new URL(url).pathname}`;
    this.options.counter.count(op);
    const started = Date.now();
    const { got } = await loadGot();
    let res: Response<string>;
    try {
      res = (await got(url, { ...init, responseType: 'text' })) as Response<string>;
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'NETWORK';
      this.options.logger.debug({ op, code, ms: Date.now() - started }, 'http request failed');
      throw new ConnectorError('NETWORK_ERROR', `${op}: ${code} (${(err as Error).message})`, {
        retryable: true,
        cause: err,
      });
    }
    const rawBody = res.body ?? '';
    this.options.logger.debug({ op, status: res.statusCode, ms: Date.now() - started }, 'http request');
    return {
      status: res.statusCode,
      headers: res.headers,
      body: parseBody(rawBody, res.headers['content-type']) as T,
      rawBody,
    };
  }
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const looksJson = (contentType ?? '').includes('json') || /^\s*[[{]/.test(raw);
  if (!looksJson) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** 429, 502, 503, 504 and other 5xx can succeed later; 4xx (other than 408/429) cannot. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
