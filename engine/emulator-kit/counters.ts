/**
 * What an emulator has seen, for assertions and for `GET /_emulator/counters`: requests in total and
 * per label ("METHOD route", named as the emulator names its routes), how many are in flight now
 * and at most, and a bounded log of the last requests (each emulator's entries extend
 * `LoggedRequest` with what it knows: a region, a route template, headers). Emulators with counts of
 * their own (logins, tokens) extend the class and its `snapshot()`.
 */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface CountersSnapshot {
  total: number;
  requests: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
}

export class RequestCounters<E extends LoggedRequest = LoggedRequest> {
  total = 0;
  requests: Record<string, number> = {};
  inFlight = 0;
  maxInFlight = 0;
  /** The last requests in order (at most the limit; the array stays the same one across `reset`). */
  readonly log: E[] = [];

  /** `logLimit`: how many requests the log keeps (Infinity: all). */
  constructor(private readonly logLimit = 10_000) {}

  enter(): void {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  leave(): void {
    this.inFlight -= 1;
  }

  count(label: string): void {
    this.total += 1;
    this.requests[label] = (this.requests[label] ?? 0) + 1;
  }

  record(entry: E): void {
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.shift();
  }

  /** The JSON `GET /_emulator/counters` answers. */
  snapshot(): CountersSnapshot {
    return {
      total: this.total,
      requests: { ...this.requests },
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
    };
  }

  reset(): void {
    this.total = 0;
    this.requests = {};
    this.log.length = 0;
    this.maxInFlight = this.inFlight;
  }
}
