/**
 * Fault injection, per test: the next N matching requests get 429 (with `Retry-After`), 500 or 503
 * without being processed, lose their connection before (`drop`) or after the change committed
 * (`drop-after-commit`), commit and then answer 500 (`500-after-commit`), answer slowly but commit
 * (`delay`), wait for the test (`hold`), get a proxy's 504 while the change still commits
 * (`proxy-504`), or find their bearer token expired (`expire-token`). The in-doubt kinds are served by
 * the emulator kit (engine/emulator-kit/in-doubt.ts).
 */
import { FaultBook } from '../../../engine/emulator-kit/faults.js';
import type { GatewayStyle } from '../../../engine/emulator-kit/gateway.js';
import type { HoldGate } from '../../../engine/emulator-kit/hold.js';

export const FAULT_KINDS = [
  '429',
  '500',
  '503',
  'drop',
  'drop-after-commit',
  '500-after-commit',
  'delay',
  'hold',
  'proxy-504',
  'expire-token',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** A string matches the URL path exactly or as a prefix; a RegExp is tested against path + query. */
  path: string | RegExp;
  method?: string;
  /** How many matching requests are affected. Default 1; Infinity for all. */
  times?: number;
  /** 429 / 503: the `Retry-After` header in seconds (429 default 1; 503 default none). */
  retryAfterSeconds?: number;
  /** delay: ms before processing (default 1000). proxy-504: when it commits (default `afterMs`). */
  delayMs?: number;
  /** proxy-504: when the proxy answers 504 (default 0). */
  afterMs?: number;
  /** proxy-504: whose error page (default nginx). */
  gateway?: GatewayStyle;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  readonly hits: number;
  readonly remaining: number;
  /** hold: requests waiting for the test's decision now. */
  readonly held: number;
  /** hold: process, commit and answer every request it holds, now and later. */
  release(): void;
  /** hold: destroy the socket of every request it holds, now and later; nothing is processed. */
  drop(): void;
  remove(): void;
}

export interface TakenFault {
  spec: FaultSpec;
  gate: HoldGate;
}

/** The platform's faults on the kit's fault book (engine/emulator-kit/faults.ts): paths match as prefixes. */
export class FaultInjector {
  private readonly book = new FaultBook<FaultSpec>({ kinds: FAULT_KINDS, pathMatch: 'prefix' });

  add(spec: FaultSpec): FaultHandle {
    return this.book.add(spec);
  }

  clear(): void {
    this.book.clear();
  }

  /** The fault that applies to this request, consuming one of its uses. */
  take(method: string, path: string, pathWithQuery: string): TakenFault | undefined {
    const q = pathWithQuery.indexOf('?');
    return this.book.take({ method, path, query: q < 0 ? '' : pathWithQuery.slice(q + 1) });
  }

  /** The emulator closes: every held request is dropped. */
  dropHeld(): void {
    this.book.dropHeld();
  }
}
