/**
 * What the emulator has seen, for assertions: the kit's request counters (engine/emulator-kit/
 * counters.ts: total, per "METHOD EntitySet", in flight, the log) plus logins and logouts.
 */
import { RequestCounters, type CountersSnapshot, type LoggedRequest } from '../../../engine/emulator-kit/counters.js';

export interface RequestLogEntry extends LoggedRequest {
  /** Path after `/b1s/vN/`, without the query. */
  path: string;
  /** Decoded query string. */
  query: string;
  version: 'v1' | 'v2';
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Requests by "METHOD Resource", e.g. "GET BusinessPartners", "POST Login", "POST JournalEntries/Cancel";
 * every request under /b1s/ counts, Login included; the log keeps the last 10,000, without bodies.
 */
export class Counters extends RequestCounters<RequestLogEntry> {
  logins = 0;
  failedLogins = 0;
  logouts = 0;

  override reset(): void {
    super.reset();
    this.logins = 0;
    this.failedLogins = 0;
    this.logouts = 0;
  }

  override snapshot(): CountersSnapshot & { logins: number; failedLogins: number; logouts: number } {
    const { logins, failedLogins, logouts } = this;
    return { ...super.snapshot(), logins, failedLogins, logouts };
  }
}
