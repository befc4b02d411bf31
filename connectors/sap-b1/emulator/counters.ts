/** What the emulator has seen, for assertions: logins, logouts, requests per "METHOD EntitySet". */
export interface RequestLogEntry {
  method: string;
  /** Path after `/b1s/vN/`, without the query. */
  path: string;
  /** Decoded query string. */
  query: string;
  version: 'v1' | 'v2';
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export class Counters {
  logins = 0;
  failedLogins = 0;
  logouts = 0;
  /** Every request under /b1s/, Login included. */
  total = 0;
  /** Requests by "METHOD Resource", e.g. "GET BusinessPartners", "POST Login", "POST JournalEntries/Cancel". */
  requests: Record<string, number> = {};
  /** Requests in order (the last 10,000), without bodies. */
  log: RequestLogEntry[] = [];
  /** Requests being processed now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;

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

  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > 10_000) this.log.shift();
  }

  reset(): void {
    this.logins = 0;
    this.failedLogins = 0;
    this.logouts = 0;
    this.total = 0;
    this.requests = {};
    this.log = [];
    this.maxInFlight = this.inFlight;
  }
}
