/**
 * What an emulator did, as a stream tests await instead of sleeping: every event gets a sequence
 * number and the emulator clock's time; `next` resolves when a matching event happens (or already
 * happened since a mark), `all` lists them. Closing the log rejects every wait still pending, saying
 * what it waited for.
 */
import { SluiceError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';

/** Any event: a `type` and its own fields. */
export interface EventShape {
  type: string;
}

/** An event as recorded: its place in the stream and when it happened (emulator clock, epoch ms). */
export type Recorded<E> = E & { seq: number; at: number };

/** A point in the stream; waits `since` a mark also count events recorded after it and before the wait. */
export interface EventMark {
  readonly seq: number;
}

export interface WaitOptions {
  /** Resolve at the count-th matching event (default 1). */
  count?: number;
  /** Count events after this mark (default: only events recorded after the call). */
  since?: EventMark;
  signal?: AbortSignal;
}

/** What can be told about an event (the emulators' traffic code only emits). */
export interface EventSink<E> {
  emit(event: E): void;
}

type OfType<E extends EventShape, T extends E['type']> = Recorded<Extract<E, { type: T }>>;

interface Waiter<E> {
  /** What it waits for, for the error when the log closes first. */
  what: string;
  matches(e: Recorded<E>): boolean;
  remaining: number;
  resolve(e: Recorded<E>): void;
  reject(err: unknown): void;
}

/** Events kept for `all` and for waits since a mark (the oldest are dropped beyond this many). */
export const EVENT_LOG_LIMIT = 100_000;

export class EventLog<E extends EventShape> implements EventSink<E> {
  private readonly events: Recorded<E>[] = [];
  private readonly waiters = new Set<Waiter<E>>();
  private readonly listeners = new Set<(e: Recorded<E>) => void>();
  private seq = 0;
  private closedBecause: string | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly limit = EVENT_LOG_LIMIT,
  ) {}

  emit(event: E): void {
    const recorded = { ...event, seq: ++this.seq, at: this.clock.now() } as Recorded<E>;
    this.events.push(recorded);
    if (this.events.length > this.limit) this.events.shift();
    for (const w of [...this.waiters]) {
      if (!w.matches(recorded)) continue;
      w.remaining -= 1;
      if (w.remaining > 0) continue;
      this.waiters.delete(w);
      w.resolve(recorded);
    }
    for (const listener of this.listeners) listener(recorded);
  }

  /** The current end of the stream. */
  mark(): EventMark {
    return { seq: this.seq };
  }

  /** Recorded events of a type (after `since`, when given) that match `predicate`. */
  all<T extends E['type']>(type: T, predicate?: (e: OfType<E, T>) => boolean, since?: EventMark): OfType<E, T>[] {
    const after = since?.seq ?? 0;
    return this.events.filter(
      (e): e is OfType<E, T> => e.seq > after && e.type === type && (predicate?.(e as OfType<E, T>) ?? true),
    );
  }

  /**
   * Resolves with the `count`-th event of `type` matching `predicate` recorded after `since` (default:
   * after this call). `await emu.events.next('committed', (e) => e.entitySet === 'JournalEntries')`.
   */
  next<T extends E['type']>(
    type: T,
    predicate?: (e: OfType<E, T>) => boolean,
    options: WaitOptions = {},
  ): Promise<OfType<E, T>> {
    const count = options.count ?? 1;
    const matches = (e: Recorded<E>): boolean => e.type === type && (predicate?.(e as OfType<E, T>) ?? true);
    const what = `${count} ${type} event(s)${predicate ? ' matching the predicate' : ''}`;
    if (this.closedBecause !== undefined) return Promise.reject(this.closedError(what));
    const seen = options.since ? this.all(type, predicate, options.since) : [];
    if (seen.length >= count) return Promise.resolve(seen[count - 1] as OfType<E, T>);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<OfType<E, T>>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter<E> = {
        what,
        matches,
        remaining: count - seen.length,
        resolve: (e) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(e as OfType<E, T>);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  on(listener: (e: Recorded<E>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits still pending (a test that hangs can print what it waits for). */
  get pending(): number {
    return this.waiters.size;
  }

  /** Rejects every pending wait (and every later one): the emulator is gone. */
  close(reason = 'the emulator was closed'): void {
    this.closedBecause = reason;
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w.reject(this.closedError(w.what));
    }
    this.listeners.clear();
  }

  private closedError(what: string): SluiceError {
    return new SluiceError('EMULATOR_CLOSED', `still waiting for ${what} when ${this.closedBecause ?? 'closed'}`);
  }
}
