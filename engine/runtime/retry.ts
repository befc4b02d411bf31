/**
 * Retry with jittered exponential backoff, driven by the error itself: a SluiceError says whether a
 * retry can help (`retryable`) and, when the remote said so, after how long (`retryAfterMs`).
 */
import { asSluiceError, type SluiceError } from '../errors.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound for a server-requested delay (Retry-After) before we give up waiting. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 120_000,
};

export interface RetryHooks {
  /** Called before each wait; `attempt` is the attempt that just failed (1-based). */
  onRetry?(error: SluiceError, attempt: number, delayMs: number): void;
  /** Called before a retry is attempted; may throw to stop retrying. */
  beforeRetry?(error: SluiceError, attempt: number): Promise<void> | void;
  signal?: AbortSignal;
  /** Waits on this clock instead of real time (tests pass a ManualClock). */
  clock?: { sleep(ms: number, signal?: AbortSignal): Promise<void> };
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Full jitter" keeps parallel clients from retrying in lock-step.
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function retryDelay(error: SluiceError, attempt: number, policy: RetryPolicy): number {
  // A Retry-After of 0 means "use your own backoff" (Concur's list bulk 429 sends exactly that).
  if (error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
    return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
  }
  return backoffDelay(attempt, policy);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (raw) {
      const error = asSluiceError(raw);
      if (!error.retryable || attempt >= policy.attempts) throw error;
      const delay = retryDelay(error, attempt, policy);
      hooks.onRetry?.(error, attempt, delay);
      await (hooks.clock ? hooks.clock.sleep(delay, hooks.signal) : sleep(delay, hooks.signal));
      await hooks.beforeRetry?.(error, attempt);
    }
  }
}
