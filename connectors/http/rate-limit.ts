/**
 * A request-rate limit: at most `requests` calls start in any `perMs` window (a sliding window of
 * start times). Written here rather than taken from p-throttle because its waits must run on the
 * injected Clock: tests count calls per window on a ManualClock instead of racing real time.
 */
import type { Clock } from '../../engine/runtime/clock.js';

export class RateLimit {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly requests: number,
    private readonly perMs: number,
    private readonly clock: Clock,
  ) {}

  /** Resolves when a call may start (callers are served in order). */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.perMs) this.starts.shift();
      if (this.starts.length < this.requests) {
        this.starts.push(now);
        return;
      }
      await this.clock.sleep(this.starts[0]! + this.perMs - now, signal);
    }
  }
}
