/**
 * The platform's own request-rate limit (option `rateLimit`): at most `requests` API calls per fixed
 * window of `perMs` on the emulator clock; a call beyond it gets 429 `rate_limited` with
 * `Retry-After` in whole seconds until the window ends, and is not processed.
 */
import type { Clock } from '../../../engine/runtime/clock.js';

export interface RateLimit {
  requests: number;
  perMs: number;
}

export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  /** Calls refused so far. */
  refused = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Counts a call; returns the seconds to wait when it is over the limit, else undefined. */
  take(): number | undefined {
    const now = this.clock.now();
    if (now >= this.windowStart + this.limit.perMs) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used < this.limit.requests) {
      this.used += 1;
      return undefined;
    }
    this.refused += 1;
    return Math.max(1, Math.ceil((this.windowStart + this.limit.perMs - now) / 1000));
  }
}
