/**
 * Every Concur API call of a connection: bearer token (refreshed ahead of expiry, and once on a
 * 401/403 before the request is replayed), routing to the token's geolocation, retries (429 after
 * Retry-After, 5xx and network errors with jittered backoff, bounded), and error mapping per API
 * family. Every failure says whether the remote may have applied the request (`writeOutcome`, see
 * write-outcome.ts). Requests that are not safe to repeat are only retried here when the remote
 * certainly did not process them (429, a refused connection, a deadlock answered with 400); their
 * other failures go back to the engine, which never re-sends a create whose outcome is unknown
 * before it searched the target for it.
 */
import type { Method } from 'got';
import type { ConnectionStats, ConnectorContext } from '../../engine/connector/types.js';
import { SluiceError, asSluiceError } from '../../engine/errors.js';
import { CallCounter, HttpClient, type HttpRequest, type HttpResponse } from '../../engine/runtime/http.js';
import { withRetry } from '../../engine/runtime/retry.js';
import { CredentialStore } from './auth/credential-store.js';
import { TokenSession } from './auth/session.js';
import type { ResolvedConfig } from './config.js';
import { httpError, type ApiFamily } from './errors.js';
import { networkOutcome, withOutcome } from './write-outcome.js';

export interface ConcurRequest {
  method: Method;
  /** A path on the geolocation (`/api/v3.0/...`) or an absolute URL (a `NextPage` link, followed verbatim). */
  path: string;
  family: ApiFamily;
  /** Label for the per-operation call counter, e.g. "GET expense-reports". */
  op: string;
  searchParams?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Non-2xx statuses handed back to the caller instead of thrown (a bulk's 400 with per-part results). */
  accept?: readonly number[];
  /** Safe to send again after a 5xx or a lost response. Default: GET only. */
  idempotent?: boolean;
}

/** Wraps an error a retry here must not repeat, though the engine may (after its own checks). */
class DoNotRepeat extends SluiceError {
  constructor(readonly inner: SluiceError) {
    super('CONCUR_DO_NOT_REPEAT', inner.message, { cause: inner, retryable: false });
  }
}

export class ConcurClient {
  readonly counter = new CallCounter();
  readonly http: HttpClient;
  readonly session: TokenSession;

  constructor(
    readonly config: ResolvedConfig,
    readonly context: ConnectorContext,
  ) {
    this.http = new HttpClient({
      counter: this.counter,
      logger: context.logger,
      timeoutMs: config.timeoutMs,
      userAgent: 'sluice-concur',
    });
    this.session = new TokenSession({
      http: this.http,
      config,
      store: new CredentialStore(context.credentials, context.connectionName),
      logger: context.logger,
      ...(context.signal && { signal: context.signal }),
      ...(context.clock && { clock: context.clock }),
    });
  }

  stats(): ConnectionStats {
    return this.counter.snapshot();
  }

  /** The base URL calls currently go to (after the first token). */
  async baseUrl(): Promise<string> {
    return (await this.session.token()).geolocation;
  }

  async request<T = unknown>(req: ConcurRequest): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? req.method === 'GET';
    try {
      return await withRetry(
        async () => {
          try {
            return await this.once<T>(req);
          } catch (err) {
            if (!idempotent && err instanceof SluiceError && err.retryable && err.writeOutcome !== 'not-applied')
              throw new DoNotRepeat(err);
            throw err;
          }
        },
        this.config.retry,
        {
          ...(this.context.signal && { signal: this.context.signal }),
          onRetry: (error, attempt, delayMs) =>
            this.context.logger.debug(
              { op: req.op, attempt, delayMs, code: error.code, status: error.status },
              'concur: retrying',
            ),
        },
      );
    } catch (err) {
      if (err instanceof DoNotRepeat) throw err.inner;
      throw err;
    }
  }

  private async once<T>(req: ConcurRequest): Promise<HttpResponse<T>> {
    let token = await beforeSend(this.session.token());
    let res = await this.send<T>(req, token.accessToken, token.geolocation);
    if (res.status === 401 || res.status === 403) {
      // The remote refused the first attempt: a failure to get a new token leaves nothing applied.
      token = await beforeSend(this.session.invalidate(token.accessToken));
      res = await this.send<T>(req, token.accessToken, token.geolocation);
    }
    if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) return res;
    throw httpError(req.family, req.op, res);
  }

  private async send<T>(req: ConcurRequest, accessToken: string, base: string): Promise<HttpResponse<T>> {
    const url = /^https?:\/\//i.test(req.path) ? req.path : `${base}${req.path}`;
    try {
      return await this.http.request<T>(this.httpRequest(req, url, accessToken));
    } catch (raw) {
      const err = asSluiceError(raw);
      throw withOutcome(err, err.code === 'NETWORK_ERROR' ? networkOutcome(err) : 'unknown');
    }
  }

  private httpRequest(req: ConcurRequest, url: string, accessToken: string): HttpRequest {
    return {
      method: req.method,
      url,
      op: req.op,
      headers: { authorization: `Bearer ${accessToken}`, ...req.headers },
      ...(req.searchParams && { searchParams: req.searchParams }),
      ...(req.json !== undefined && { json: req.json }),
    };
  }
}

/** A token request fails before the call itself is sent: whatever went wrong, the call was not applied. */
async function beforeSend<T>(token: Promise<T>): Promise<T> {
  try {
    return await token;
  } catch (raw) {
    throw withOutcome(asSluiceError(raw), 'not-applied');
  }
}
