/**
 * The Service Layer client: every call carries the session cookies; a 401 logs in again once and
 * replays the call (a 401 means it was not executed); reads and updates are retried on transient
 * failures, creates never (the caller looks them up first); requests in flight are bounded by
 * `concurrency`; collections are read page by page following nextLink in any of its three forms.
 */
import type { Method } from 'got';
import type { DataRecord } from '../../engine/connector/types.js';
import { ConnectorError } from '../../engine/errors.js';
import type { Logger } from '../../engine/runtime/logger.js';
import { withRetry, type RetryPolicy } from '../../engine/runtime/retry.js';
import { buildBatch, parseBatchResponse, type BatchPart, type BatchResult } from './batch.js';
import type { ResolvedConfig } from './config.js';
import { SAP_B1_ERRORS, serviceLayerError } from './errors.js';
import { Limiter } from './limiter.js';
import { normalizeRecord } from './records.js';
import { SessionManager, sessionCookie } from './session.js';
import type { Transport, TransportResponse } from './transport.js';

export interface SlRequest {
  method: Method;
  /** Path below the service root (`JournalEntries(5)`), a root-relative `/b1s/..` path or an absolute URL. */
  path: string;
  /** Encoded query string without `?`. */
  query?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** Counter label, e.g. "GET BusinessPartners". */
  op: string;
  /** Retry transient failures with backoff (default: GET only). */
  retry?: boolean;
}

export interface ClientOptions {
  config: ResolvedConfig;
  transport: Transport;
  sessions: SessionManager;
  logger: Logger;
  retry: RetryPolicy;
  signal?: AbortSignal;
}

export class ServiceLayerClient {
  private readonly limiter: Limiter;

  constructor(private readonly o: ClientOptions) {
    this.limiter = new Limiter(o.config.concurrency);
  }

  get config(): ResolvedConfig {
    return this.o.config;
  }

  /** Resolves a path or a nextLink (absolute URL, `/b1s/vN/...` or relative to the service root). */
  resolve(link: string): string {
    const { serviceUrl, root } = this.o.config;
    if (/^https?:\/\//i.test(link)) {
      // Keep our configured host: a load balancer may name an internal node in absolute links.
      const at = link.indexOf('/b1s/');
      return at >= 0 ? serviceUrl + link.slice(at) : link;
    }
    if (link.startsWith('/b1s/')) return serviceUrl + link;
    if (link.startsWith('/')) return new URL(serviceUrl).origin + link;
    return `${root}/${link}`;
  }

  async request(req: SlRequest): Promise<TransportResponse> {
    const attempt = (): Promise<TransportResponse> => this.limiter.run(() => this.once(req));
    if (!(req.retry ?? req.method === 'GET')) return attempt();
    return withRetry(attempt, this.o.retry, {
      onRetry: (err, n, delayMs) =>
        this.o.logger.warn({ op: req.op, attempt: n, delayMs, code: err.code }, `sap-b1: retrying: ${err.message}`),
      ...(this.o.signal && { signal: this.o.signal }),
    });
  }

  private async send(req: SlRequest, cookie: string): Promise<TransportResponse> {
    const url = this.resolve(req.path) + (req.query ? `?${req.query}` : '');
    return this.o.transport.send({
      method: req.method,
      url,
      headers: { ...req.headers, cookie },
      ...(req.json !== undefined && { json: req.json }),
      ...(req.body !== undefined && { body: req.body }),
      op: req.op,
      ...(this.o.signal && { signal: this.o.signal }),
    });
  }

  private async once(req: SlRequest): Promise<TransportResponse> {
    let session = await this.o.sessions.get();
    let res = await this.send(req, sessionCookie(session));
    if (res.status === 401) {
      this.o.logger.info({ op: req.op }, 'sap-b1: session expired or unknown; logging in again');
      session = await this.o.sessions.renew(session);
      res = await this.send(req, sessionCookie(session));
      if (res.status === 401) throw SessionManager.rejectedAfterLogin(req.op);
    }
    await this.o.sessions.touched(session);
    if (res.status >= 400) throw serviceLayerError(req.op, res.status, res.body, res.rawBody, res.retryAfterMs);
    return res;
  }

  /**
   * Sends writes as one `$batch` (never retried: it may hold creates). Returns one result per
   * change set answered, in order; the Service Layer answers none after the first failure.
   */
  async batch(parts: readonly BatchPart[]): Promise<BatchResult[]> {
    const { contentType, body } = buildBatch(parts, this.o.config.version);
    const res = await this.request({
      method: 'POST',
      path: '$batch',
      body,
      headers: { 'content-type': contentType },
      op: 'POST $batch',
      retry: false,
    });
    const results = parseBatchResponse(String(res.headers['content-type'] ?? ''), res.rawBody);
    if (!results) {
      throw new ConnectorError(
        SAP_B1_ERRORS.unexpected,
        `POST $batch: the answer is not multipart (HTTP ${res.status})`,
        { retryable: true, status: res.status, writeOutcome: 'unknown' },
      );
    }
    return results.slice(0, parts.length);
  }

  /** Pages of a collection (annotations such as ETags kept): asks for `pageSize` per page and follows nextLink to the end. */
  async *rawPages(entitySet: string, query: string, pageSize: number): AsyncGenerator<DataRecord[]> {
    let path: string | undefined = query ? `${entitySet}?${query}` : entitySet;
    const seen = new Set<string>();
    while (path !== undefined) {
      const url = this.resolve(path);
      if (seen.has(url))
        throw new ConnectorError(
          SAP_B1_ERRORS.unexpected,
          `GET ${entitySet}: the Service Layer sent the same nextLink twice`,
        );
      seen.add(url);
      const res = await this.request({
        method: 'GET',
        path: url,
        headers: { prefer: `odata.maxpagesize=${pageSize}` },
        op: `GET ${entitySet}`,
      });
      const body = res.body as Record<string, unknown> | undefined;
      if (!body || !Array.isArray(body.value)) {
        throw new ConnectorError(SAP_B1_ERRORS.unexpected, `GET ${entitySet}: the answer is not a collection`, {
          status: res.status,
        });
      }
      yield body.value as DataRecord[];
      const next = body['@odata.nextLink'] ?? body['odata.nextLink'];
      path = typeof next === 'string' && next !== '' ? next : undefined;
    }
  }

  /** Pages of normalised records (see records.ts). */
  async *pages(entitySet: string, query: string, pageSize: number): AsyncGenerator<DataRecord[]> {
    for await (const page of this.rawPages(entitySet, query, pageSize)) yield page.map(normalizeRecord);
  }
}
