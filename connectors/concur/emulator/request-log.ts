/**
 * Every request the emulator answered (or dropped), on the kit's counters (engine/emulator-kit/
 * counters.ts, kept whole here), with counts per route template so tests can assert "21 list reads
 * and 1 bulk write".
 */
import { RequestCounters, type LoggedRequest as KitLoggedRequest } from '../../../engine/emulator-kit/counters.js';
import type { ApiFamily } from './router.js';
import type { FaultKind } from './faults.js';

export interface LoggedRequest extends KitLoggedRequest {
  seq: number;
  at: number;
  region: string;
  /** `METHOD /template` of the matched route, or undefined for a 404. */
  route: string | undefined;
  family: ApiFamily;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  responseBody?: unknown;
  /** No response was sent: the socket was destroyed (after the change was committed, unless a hold was dropped). */
  dropped?: boolean;
  /** proxy-504: the status the emulator's own processing produced behind the gateway's 504. */
  committedStatus?: number;
  fault?: FaultKind;
}

export interface RequestFilter {
  method?: string;
  /** Route template (`/list/v4/lists/:listId/bulk`), path prefix, or RegExp on path + query. */
  path?: string | RegExp;
  region?: string;
  status?: number;
}

export class RequestLog extends RequestCounters<LoggedRequest> {
  private seq = 0;

  constructor() {
    super(Infinity);
  }

  /** Logs the request and counts it under its route (`METHOD <unmatched>` for a 404). */
  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const full = { ...entry, seq: ++this.seq };
    this.count(entry.route ?? `${entry.method} <unmatched>`);
    this.record(full);
    return full;
  }

  filter(f: RequestFilter = {}): LoggedRequest[] {
    return this.log.filter((e) => {
      if (f.method && e.method !== f.method.toUpperCase()) return false;
      if (f.region && e.region !== f.region) return false;
      if (f.status !== undefined && e.status !== f.status) return false;
      if (f.path === undefined) return true;
      if (typeof f.path === 'string') {
        const template = e.route?.slice(e.route.indexOf(' ') + 1);
        return template === f.path || e.path.startsWith(f.path);
      }
      f.path.lastIndex = 0;
      return f.path.test(e.query ? `${e.path}?${e.query}` : e.path);
    });
  }
}
