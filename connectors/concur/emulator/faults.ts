/**
 * Fault injection, per test: the next N matching requests answer 400 / 404 / 429 / 500 / 503, lose their
 * response after the change was committed, answer slowly, wait for the test (`hold`), get a 504 from a
 * gateway while the change still commits (`proxy-504`), or find their access token expired. The
 * book, its matching and the in-doubt kinds are the emulator kit's (engine/emulator-kit/faults.ts,
 * in-doubt.ts).
 */
import {
  FaultBook,
  type ArmedFault,
  type FaultRequest,
  type FaultSpecBase,
} from '../../../engine/emulator-kit/faults.js';
import type { InDoubtDefaults, InDoubtFaultFields } from '../../../engine/emulator-kit/in-doubt.js';

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

export interface FaultSpec extends FaultSpecBase, InDoubtFaultFields {
  kind: FaultKind;
  region?: string;
  /** 429/503: the Retry-After header in seconds (0 is what the list bulk API sends). Absent: no header. */
  retryAfterSeconds?: number;
  /** rewrite-body: the text to find in the answer and what to put there instead (first occurrence). */
  rewrite?: { from: string | RegExp; to: string };
}

export type FaultHandle = ArmedFault<FaultSpec>;

/** `delay` waits 100 ms unless told; `proxy-504` is nginx's page unless told. */
export const IN_DOUBT_DEFAULTS: InDoubtDefaults = { delayMs: 100, gateway: 'nginx' };

export type FaultTarget = FaultRequest & { region: string };

/** Concur's faults on the kit's fault book: string paths match as prefixes, per region when a spec names one. */
export class FaultInjector extends FaultBook<FaultSpec, FaultTarget> {
  constructor() {
    super({
      kinds: FAULT_KINDS,
      pathMatch: 'prefix',
      also: (spec, req) => spec.region === undefined || spec.region === req.region,
    });
  }
}
