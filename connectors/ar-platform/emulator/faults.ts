/**
 * Fault injection, per test: the next N matching requests get 429 (with `Retry-After`), 500 or 503
 * without being processed, lose their connection before (`drop`) or after the change committed
 * (`drop-after-commit`), commit and then answer 500 (`500-after-commit`), answer slowly but commit
 * (`delay`, default 1000 ms), wait for the test (`hold`), get a proxy's 504 while the change still
 * commits (`proxy-504`, nginx's page unless told), or find their bearer token expired
 * (`expire-token`). The book, its matching and the in-doubt kinds are the emulator kit's
 * (engine/emulator-kit/faults.ts, in-doubt.ts); string paths match as prefixes.
 */
import { FaultBook, type ArmedFault, type FaultSpecBase } from '../../../engine/emulator-kit/faults.js';
import type { InDoubtDefaults, InDoubtFaultFields } from '../../../engine/emulator-kit/in-doubt.js';

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

export interface FaultSpec extends FaultSpecBase, InDoubtFaultFields {
  kind: FaultKind;
  /** 429 / 503: the `Retry-After` header in seconds (429 default 1; 503 default none). */
  retryAfterSeconds?: number;
}

export type FaultHandle = ArmedFault<FaultSpec>;

export const IN_DOUBT_DEFAULTS: InDoubtDefaults = { delayMs: 1000, gateway: 'nginx' };

export class FaultInjector extends FaultBook<FaultSpec> {
  constructor() {
    super({ kinds: FAULT_KINDS, pathMatch: 'prefix' });
  }
}
