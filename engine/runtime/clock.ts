/**
 * Time, injected: the engine asks a Clock for "now" and for waits, so tests (and a dry run that
 * must classify exactly as a live one) never race the wall clock. `systemClock` is the real one;
 * `ManualClock` moves only when a test tells it to.
 */
import { sleep } from './retry.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` (or rejects with the signal's reason when it aborts first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

interface Waiter {
  at: number;
  resolve(): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A clock for tests: time stands still until `advance` or `set`; sleeps resolve when it passes them.
 * With `autoAdvance`, a sleep moves time forward by its own length and resolves at once (virtual
 * time: retries and backoffs take no real time, and their waits are still measured).
 */
export class ManualClock implements Clock {
  private waiters: Waiter[] = [];
  /** Total time slept with autoAdvance. */
  slept = 0;

  constructor(
    private t: number = Date.UTC(2026, 0, 15, 12, 0, 0),
    private readonly options: { autoAdvance?: boolean } = {},
  ) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (ms <= 0) return Promise.resolve();
    if (this.options.autoAdvance) {
      this.slept += ms;
      this.advance(ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { at: this.t + ms, resolve, reject };
      if (signal) {
        w.signal = signal;
        w.onAbort = () => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
  }

  /** Pending sleeps, for tests that wait until the code under test is waiting. */
  get sleepers(): number {
    return this.waiters.length;
  }

  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(t: number): void {
    this.t = t;
    const due = this.waiters.filter((w) => w.at <= t).sort((a, b) => a.at - b.at);
    this.waiters = this.waiters.filter((w) => w.at > t);
    for (const w of due) {
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }
}
