/**
 * One HTTP connection to the configured API: every request authenticated, rate-limited, counted,
 * timed out, and retried on the configured statuses with backoff and Retry-After — except a write
 * that may have reached the server: that one is never re-sent blind, its error says `unknown` and
 * the engine settles it by looking the record up by key.
 */
import type { ConnectionStats, ConnectorContext } from '../../engine/connector/types.js';
import { SluiceError, asSluiceError, withWriteOutcome } from '../../engine/errors.js';
import { systemClock, type Clock } from '../../engine/runtime/clock.js';
import { CallCounter, HttpClient, type HttpRequest, type HttpResponse } from '../../engine/runtime/http.js';
import { retryDelay } from '../../engine/runtime/retry.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import type { ResolvedHttpConfig } from './config.js';
import { statusError } from './errors.js';
import { RateLimit } from './rate-limit.js';
import { networkOutcome } from '../../engine/runtime/network-outcome.js';

export interface ApiRequest extends Omit<HttpRequest, 'timeoutMs'> {
  /** A write: after it may have been sent, it is not retried, and its failure says whether it was applied. */
  write?: boolean;
  /** Statuses returned as answers instead of errors (e.g. 404 for a look-up by key). */
  accept?: readonly number[];
}

export class ApiClient {
  readonly clock: Clock;
  private readonly counter = new CallCounter();
  private readonly http: HttpClient;
  private readonly limit: RateLimit | undefined;
  private readonly auth: Authenticator;

  constructor(
    readonly config: ResolvedHttpConfig,
    private readonly context: ConnectorContext,
  ) {
    this.clock = context.clock ?? systemClock;
    this.http = new HttpClient({ counter: this.counter, logger: context.logger, timeoutMs: config.timeoutMs });
    this.limit = config.rateLimit && new RateLimit(config.rateLimit.requests, config.rateLimit.perMs, this.clock);
    this.auth = createAuthenticator(config.auth, config.baseUrl, (req) => this.send(req), this.clock);
  }

  stats(): ConnectionStats {
    return this.counter.snapshot();
  }

  /** One rate-limited request, no retries, never throws on a status. */
  private async send(req: HttpRequest): Promise<HttpResponse> {
    await this.limit?.acquire(this.context.signal);
    return this.http.request({ ...req, headers: { ...this.config.headers, ...req.headers } });
  }

  async request(req: ApiRequest): Promise<HttpResponse> {
    const policy = this.config.retry;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      let error: SluiceError;
      try {
        const res = await this.once(req);
        if (res.status === 401 && !renewed && this.auth.renew()) {
          renewed = true; // a 401 was refused before processing: sending again is safe
          attempt--;
          continue;
        }
        if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) return res;
        error = statusError(res, {
          op: req.op ?? req.method,
          retryStatuses: this.config.retryStatuses,
          refusedStatuses: this.config.refusedStatuses,
          now: this.clock.now(),
          write: req.write === true,
        });
      } catch (raw) {
        error = asSluiceError(raw);
      }
      // A write that may have been applied is never retried here: the engine settles it by key.
      const mayResend = !req.write || error.writeOutcome === 'not-applied';
      const retry = error.retryable && mayResend && (error.status === undefined || this.retries(error.status));
      if (!retry || attempt >= policy.attempts) throw error;
      const delay = retryDelay(error, attempt, policy);
      this.context.logger.debug({ op: req.op, attempt, delay, code: error.code }, 'http retry');
      await this.clock.sleep(delay, this.context.signal);
    }
  }

  private retries(status: number): boolean {
    return this.config.retryStatuses.has(status);
  }

  private async once(req: ApiRequest): Promise<HttpResponse> {
    let auth: Record<string, string>;
    try {
      auth = await this.auth.headers();
    } catch (raw) {
      // The request itself never left.
      throw req.write ? withWriteOutcome(asSluiceError(raw), 'not-applied') : raw;
    }
    const { write: _w, accept: _a, ...http } = req;
    try {
      return await this.send({ ...http, headers: { ...req.headers, ...auth } });
    } catch (raw) {
      const err = asSluiceError(raw);
      if (!req.write || err.code !== 'NETWORK_ERROR') throw err;
      const outcome = networkOutcome(err);
      // Refused before sending: safe to retry. Sent: in doubt (retryable for the engine, which looks it up first).
      throw withWriteOutcome(
        err,
        outcome,
        outcome === 'unknown' ? 'the request was sent: the write is in doubt' : undefined,
      );
    }
  }
}
