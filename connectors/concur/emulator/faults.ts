/**
 * Fault injection, per test: the next N matching requests answer 400 / 404 / 429 / 500 / 503, lose their
 * response after the change was committed, answer slowly, wait for the test (`hold`), get a 504 from a
 * gateway while the change still commits (`proxy-504`), or find their access token expired. The
 * in-doubt kinds are served by the emulator kit (engine/emulator-kit/in-doubt.ts).
 */
import { FaultBook, type FaultRequest } from '../../../engine/emulator-kit/faults.js';
import type { GatewayStyle } from '../../../engine/emulator-kit/gateway.js';
import type { HoldGate } from '../../../engine/emulator-kit/hold.js';

export const FAULT_KINDS = [
  '400',
  '404',
  '429',
  '500',
  '503',
  'drop-after-commit',
  'delay',
  'hold',
  'proxy-504',
  'expire-token',
  /** The answer's JSON text has `rewrite.from` replaced by `rewrite.to` (a malformed item, `1e999` for an amount). */
  'rewrite-body',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** A string matches the path (without query) exactly or as a prefix; a RegExp is tested against path + query. */
  path: RegExp | string;
  method?: string;
  region?: string;
  /** How many matching requests are affected. Default 1; Infinity for all. */
  times?: number;
  /** 429/503: the Retry-After header in seconds (0 is what the list bulk API sends). Absent: no header. */
  retryAfterSeconds?: number;
  /** delay: milliseconds before the request is handled (default 100). proxy-504: when it commits (default `afterMs`). */
  delayMs?: number;
  /** proxy-504: when the gateway answers 504 (default 0). */
  afterMs?: number;
  /** proxy-504: whose error page (default `nginx`). */
  gateway?: GatewayStyle;
  /** rewrite-body: the text to find in the answer and what to put there instead (first occurrence). */
  rewrite?: { from: string | RegExp; to: string };
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Requests this fault has affected so far. */
  readonly hits: number;
  /** Remaining affected requests. */
  readonly remaining: number;
  /** hold: requests waiting for the test's decision now. */
  readonly held: number;
  /** hold: process, commit and answer every request it holds, now and later. */
  release(): void;
  /** hold: destroy the socket of every request it holds, now and later; nothing is processed. */
  drop(): void;
  remove(): void;
}

/** A fault as it applies to one request. */
export interface TakenFault {
  spec: FaultSpec;
  gate: HoldGate;
}

export interface FaultTarget {
  method: string;
  path: string;
  pathWithQuery: string;
  region: string;
}

/** Concur's faults on the kit's fault book (engine/emulator-kit/faults.ts): paths match as prefixes, per region. */
export class FaultInjector {
  private readonly book = new FaultBook<FaultSpec, FaultRequest & { region: string }>({
    kinds: FAULT_KINDS,
    pathMatch: 'prefix',
    also: (spec, req) => spec.region === undefined || spec.region === req.region,
  });

  add(spec: FaultSpec): FaultHandle {
    return this.book.add(spec);
  }

  /** Disarms every fault (requests a `hold` fault holds keep waiting for its release or drop). */
  clear(): void {
    this.book.clear();
  }

  /** The fault that applies to this request, consuming one of its uses. */
  take(target: FaultTarget): TakenFault | undefined {
    const q = target.pathWithQuery.indexOf('?');
    return this.book.take({
      method: target.method,
      path: target.path,
      query: q < 0 ? '' : target.pathWithQuery.slice(q + 1),
      region: target.region,
    });
  }

  /** The emulator closes: every held request is dropped. */
  dropHeld(): void {
    this.book.dropHeld();
  }
}
