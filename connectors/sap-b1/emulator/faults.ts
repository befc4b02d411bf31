/**
 * Per-test fault injection. A fault matches a request by method and path (the part after
 * `/b1s/vN/`): a string matches that resource and anything below it (`JournalEntries` matches
 * `JournalEntries`, `JournalEntries(5)` and `JournalEntries(5)/Cancel`); a RegExp is tested against
 * the decoded path with its query. Each fault fires `times` times (default 1), the first match wins.
 */

export const FAULT_KINDS = [
  /** Process the request (commit), then destroy the socket: the client never sees the answer. */
  'drop-after-commit',
  /** Destroy the socket without processing anything. */
  'drop',
  /** HTTP 500 with an empty body, nothing processed. */
  '500',
  /** HTTP 502 with Apache's HTML "Proxy Error" page, nothing processed. */
  '502-html',
  /** Wait `delayMs`, then process normally. */
  'delay',
  /** The caller's session expires just before the request: it gets 401 / 301. */
  'expire-session',
  /** Answer `status` with a Service Layer error `code` / `message`, nothing processed. */
  'error',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  method?: string;
  path: RegExp | string;
  kind: FaultKind;
  /** How many matching requests it affects (default 1; Infinity for all). */
  times?: number;
  delayMs?: number;
  /** For kind `error`. */
  status?: number;
  code?: number;
  message?: string;
}

export interface Fault extends FaultSpec {
  /** Requests it has affected so far. */
  hits: number;
}

export class FaultRegistry {
  private readonly faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Faults still armed. */
  active(): Fault[] {
    return this.faults.filter((f) => f.hits < (f.times ?? 1));
  }

  /** The first armed fault matching the request, counted as hit. */
  take(method: string, path: string, query: string): Fault | undefined {
    const fault = this.active().find((f) => matches(f, method, path, query));
    if (fault) fault.hits += 1;
    return fault;
  }
}

function matches(f: FaultSpec, method: string, path: string, query: string): boolean {
  if (f.method !== undefined && f.method.toUpperCase() !== method) return false;
  if (typeof f.path === 'string') {
    if (!path.startsWith(f.path)) return false;
    const next = path.charAt(f.path.length);
    return next === '' || !/\w/.test(next);
  }
  return f.path.test(query === '' ? path : `${path}?${query}`);
}
