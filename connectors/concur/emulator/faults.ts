/**
 * Fault injection, per test: the next N matching requests answer 400 / 404 / 429 / 500 / 503, lose their
 * response after the change was committed, answer slowly, wait for the test (`hold`), get a 504 from a
 * gateway while the change still commits (`proxy-504`), or find their access token expired. The
 * in-doubt kinds are served by the emulator kit (engine/emulator-kit/in-doubt.ts).
 */
import { ConfigError } from '../../../engine/errors.js';
import type { GatewayStyle } from '../../../engine/emulator-kit/gateway.js';
import { HoldGate } from '../../../engine/emulator-kit/hold.js';

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

interface ActiveFault extends TakenFault {
  hits: number;
  remaining: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  pathWithQuery: string;
  region: string;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private readonly gates: HoldGate[] = [];

  add(spec: FaultSpec): FaultHandle {
    if (!FAULT_KINDS.includes(spec.kind))
      throw new ConfigError('EMULATOR_FAULT_INVALID', `unknown fault kind ${String(spec.kind)}`);
    const fault: ActiveFault = { spec, gate: new HoldGate(), hits: 0, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    this.gates.push(fault.gate);
    const remove = (): void => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
    const only = (what: string): void => {
      if (spec.kind !== 'hold')
        throw new ConfigError('EMULATOR_FAULT_INVALID', `${what}() is for hold faults, not ${spec.kind}`);
    };
    return {
      spec,
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      get held() {
        return fault.gate.held;
      },
      release: () => {
        only('release');
        fault.gate.release();
      },
      drop: () => {
        only('drop');
        fault.gate.drop();
      },
      remove,
    };
  }

  /** Disarms every fault (requests a `hold` fault holds keep waiting for its release or drop). */
  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this request, consuming one of its uses. */
  take(target: FaultTarget): TakenFault | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matches(fault.spec, target)) continue;
      fault.remaining -= 1;
      fault.hits += 1;
      return fault;
    }
    return undefined;
  }

  /** The emulator closes: every held request is dropped. */
  dropHeld(): void {
    for (const gate of this.gates) gate.drop();
  }
}

function matches(spec: FaultSpec, t: FaultTarget): boolean {
  if (spec.method && spec.method.toUpperCase() !== t.method) return false;
  if (spec.region && spec.region !== t.region) return false;
  if (typeof spec.path === 'string') return t.path === spec.path || t.path.startsWith(spec.path);
  spec.path.lastIndex = 0;
  return spec.path.test(t.pathWithQuery);
}
