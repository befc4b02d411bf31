/**
 * Per-test fault injection. A fault matches a request by method and path (the part after
 * `/b1s/vN/`): a string matches that resource and anything below it (`JournalEntries` matches
 * `JournalEntries`, `JournalEntries(5)` and `JournalEntries(5)/Cancel`); a RegExp is tested against
 * the decoded path with its query. Each fault fires `times` times (default 1), the first match wins.
 * The in-doubt kinds (`delay`, `hold`, `proxy-504`, `drop-after-commit`) are served by the emulator
 * kit (engine/emulator-kit/in-doubt.ts) and commit although the client learns nothing certain.
 */
import { FaultBook, type ArmedFault } from '../../../engine/emulator-kit/faults.js';
import type { GatewayStyle } from '../../../engine/emulator-kit/gateway.js';
import type { HoldGate } from '../../../engine/emulator-kit/hold.js';

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
  readonly hits: number;
  /** `hold`: requests waiting for the test's decision now. */
  readonly held: number;
  /** `hold`: process, commit and answer every request it holds, now and later. */
  release(): void;
  /** `hold`: destroy the socket of every request it holds, now and later; nothing is processed. */
  drop(): void;
  /** The gate `hold` waits at (internal). */
  readonly gate: HoldGate;
}

/** The Service Layer's faults on the kit's fault book (engine/emulator-kit/faults.ts), paths matched by segment. */
export class FaultRegistry {
  private readonly book = new FaultBook<FaultSpec>({ kinds: FAULT_KINDS, pathMatch: 'segment' });
  private readonly faults = new Map<ArmedFault<FaultSpec>, Fault>();

  add(spec: FaultSpec): Fault {
    const armed = this.book.add(spec);
    const fault: Fault = {
      ...spec,
      get hits() {
        return armed.hits;
      },
      gate: armed.gate,
      get held() {
        return armed.held;
      },
      release: () => armed.release(),
      drop: () => armed.drop(),
    };
    this.faults.set(armed, fault);
    return fault;
  }

  /** Disarms every fault (requests a `hold` fault holds keep waiting for its release or drop). */
  clear(): void {
    this.book.clear();
  }

  /** Faults still armed. */
  active(): Fault[] {
    return this.book.active().map((a) => this.faults.get(a)!);
  }

  /** The first armed fault matching the request, counted as hit. */
  take(method: string, path: string, query: string): Fault | undefined {
    const armed = this.book.take({ method, path, query });
    return armed && this.faults.get(armed);
  }

  /** The emulator closes: every held request is dropped. */
  dropHeld(): void {
    this.book.dropHeld();
  }
}
