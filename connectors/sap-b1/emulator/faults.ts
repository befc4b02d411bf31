/**
 * Per-test fault injection. A fault matches a request by method and path (the part after
 * `/b1s/vN/`): a string matches that resource and anything below it (`JournalEntries` matches
 * `JournalEntries`, `JournalEntries(5)` and `JournalEntries(5)/Cancel`); a RegExp is tested against
 * the decoded path with its query. Each fault fires `times` times (default 1), the first match wins.
 * The book and the in-doubt kinds (`delay`, `hold`, `proxy-504`, `drop-after-commit`) are the emulator
 * kit's (engine/emulator-kit/faults.ts, in-doubt.ts); those commit although the client learns nothing certain.
 */
import { FaultBook, type ArmedFault, type FaultSpecBase } from '../../../engine/emulator-kit/faults.js';
import type { InDoubtDefaults, InDoubtFaultFields } from '../../../engine/emulator-kit/in-doubt.js';

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

export interface FaultSpec extends FaultSpecBase, InDoubtFaultFields {
  kind: FaultKind;
  /** For kind `error`. */
  status?: number;
  code?: number;
  message?: string;
}

/** An armed fault: its `spec`, `hits`, `remaining`, `held`, and `release()` / `drop()` for `hold`. */
export type Fault = ArmedFault<FaultSpec>;

/** `delay` waits 1000 ms unless told; the proxy in front is Apache (its 504 page) unless told. */
export const IN_DOUBT_DEFAULTS: InDoubtDefaults = { delayMs: 1000, gateway: 'apache' };

/** The Service Layer's faults on the kit's fault book, string paths matched by segment. */
export class FaultRegistry extends FaultBook<FaultSpec> {
  constructor() {
    super({ kinds: FAULT_KINDS, pathMatch: 'segment' });
  }
}
