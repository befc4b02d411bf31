/**
 * Per-test fault injection. A fault matches a request by method and path (the part after
 * `/b1s/vN/`): a string matches that resource and anything below it (`JournalEntries` matches
 * `JournalEntries`, `JournalEntries(5)` and `JournalEntries(5)/Cancel`); a RegExp is tested against
 * the decoded path with its query. Each fault fires `times` times (default 1), the first match wins.
 * The in-doubt kinds (`delay`, `hold`, `proxy-504`, `drop-after-commit`) are served by the emulator
 * kit (engine/emulator-kit/in-doubt.ts) and commit although the client learns nothing certain.
 */
import { ConfigError } from '../../../engine/errors.js';
import type { GatewayStyle } from '../../../engine/emulator-kit/gateway.js';
import { HoldGate } from '../../../engine/emulator-kit/hold.js';

export const FAULT_KINDS = [
  /** Process the request (commit), then destroy the socket: the client never sees the answer. */
  'drop-after-commit',
  /** Destroy the socket without processing anything. */
  'drop',
  /** HTTP 500 with an empty body, nothing processed. */
  '500',
  /** HTTP 502 with Apache's HTML "Proxy Error" page, nothing processed. */
  '502-html',
  /** Wait `delayMs` (emulator clock), then process normally, even when the client has given up. */
  'delay',
  /** Received, then processed only when the test calls `release()` (or dropped with `drop()`). */
  'hold',
  /** The Apache in front answers 504 after `afterMs`; the Service Layer commits at `delayMs` anyway. */
  'proxy-504',
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
  /** `delay`: the wait (default 1000). `proxy-504`: when the request commits (default `afterMs`). */
  delayMs?: number;
  /** `proxy-504`: when the proxy answers 504 (default 0). */
  afterMs?: number;
  /** `proxy-504`: whose error page (default `apache`). */
  gateway?: GatewayStyle;
  /** For kind `error`. */
  status?: number;
  code?: number;
  message?: string;
}

export interface Fault extends FaultSpec {
  /** Requests it has affected so far. */
  hits: number;
  /** `hold`: requests waiting for the test's decision now. */
  readonly held: number;
  /** `hold`: process, commit and answer every request it holds, now and later. */
  release(): void;
  /** `hold`: destroy the socket of every request it holds, now and later; nothing is processed. */
  drop(): void;
  /** The gate `hold` waits at (internal). */
  readonly gate: HoldGate;
}

export class FaultRegistry {
  private readonly faults: Fault[] = [];
  private readonly gates: HoldGate[] = [];

  add(spec: FaultSpec): Fault {
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind))
      throw new ConfigError('EMULATOR_FAULT_INVALID', `unknown fault kind ${String(spec.kind)}`);
    const gate = new HoldGate();
    const holds = spec.kind === 'hold';
    const only = (what: string): void => {
      if (!holds) throw new ConfigError('EMULATOR_FAULT_INVALID', `${what}() is for hold faults, not ${spec.kind}`);
    };
    const fault: Fault = {
      ...spec,
      hits: 0,
      gate,
      get held() {
        return gate.held;
      },
      release: () => {
        only('release');
        gate.release();
      },
      drop: () => {
        only('drop');
        gate.drop();
      },
    };
    this.faults.push(fault);
    this.gates.push(gate);
    return fault;
  }

  /** Disarms every fault (requests a `hold` fault holds keep waiting for its release or drop). */
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

  /** The emulator closes: every held request is dropped. */
  dropHeld(): void {
    for (const gate of this.gates) gate.drop();
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
