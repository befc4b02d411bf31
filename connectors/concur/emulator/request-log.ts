/**
 * Every request the emulator answered (or dropped), with counters per route template so tests can
 * assert "21 list reads and 1 bulk write".
 */
import type { ApiFamily } from './router.js';
import type { FaultKind } from './faults.js';

export interface LoggedRequest {
  seq: number;
  at: number;
  region: string;
  method: string;
  path: string;
  query: string;
  /** `METHOD /template` of the matched route, or undefined for a 404. */
  route: string | undefined;
  family: ApiFamily;
  status: number;
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

export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private seq = 0;

  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const full = { ...entry, seq: ++this.seq };
    this.entries.push(full);
    return full;
  }

  clear(): void {
    this.entries.length = 0;
  }

  filter(f: RequestFilter = {}): LoggedRequest[] {
    return this.entries.filter((e) => {
      if (f.method && e.method !== f.method.toUpperCase()) return false;
      if (f.region && e.region !== f.region) return false;
      if (f.status !== undefined && e.status !== f.status) return false;
      if (f.path === undefined) return true;
      if (typeof f.path === 'string') {
        const template = e.route?.slice(e.route.indexOf(' ') + 1);
        return template === f.path || e.path === f.path || e.path.startsWith(f.path);
      }
      f.path.lastIndex = 0;
      return f.path.test(e.query ? `${e.path}?${e.query}` : e.path);
    });
  }

  count(f: RequestFilter = {}): number {
    return this.filter(f).length;
  }

  /** Requests per route (`GET /list/v4/lists/:listId/children`: 21), 404s under `METHOD <unmatched>`. */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries) {
      const key = e.route ?? `${e.method} <unmatched>`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }
}
