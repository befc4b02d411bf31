/**
 * Fault injection, per test: the next N matching requests get 429 (with `Retry-After`), 500 or 503
 * without being processed, lose their connection before (`drop`) or after the change committed
 * (`drop-after-commit`), commit and then answer 500 (`500-after-commit`), answer slowly but commit
 * (`delay`), wait for the test (`hold`), get a proxy's 504 while the change still commits
 * (`proxy-504`), or find their bearer token expired (`expire-token`). The in-doubt kinds are served by
 * the emulator kit (engine/emulator-kit/in-doubt.ts).
 */
import { ConfigError } from '../../../engine/errors.js';
import type { GatewayStyle } from '../../../engine/emulator-kit/gateway.js';
import { HoldGate } from '../../../engine/emulator-kit/hold.js';

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

interface ActiveFault extends TakenFault {
  hits: number;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private readonly gates: HoldGate[] = [];

  add(spec: FaultSpec): FaultHandle {
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind))
      throw new ConfigError('EMULATOR_FAULT_INVALID', `unknown fault kind ${String(spec.kind)}`);
    const fault: ActiveFault = { spec, gate: new HoldGate(), hits: 0, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    this.gates.push(fault.gate);
    const onlyHold = (what: string): void => {
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
        onlyHold('release');
        fault.gate.release();
      },
      drop: () => {
        onlyHold('drop');
        fault.gate.drop();
      },
      remove: () => {
        this.faults = this.faults.filter((f) => f !== fault);
      },
    };
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this request, consuming one of its uses. */
  take(method: string, path: string, pathWithQuery: string): TakenFault | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matches(fault.spec, method, path, pathWithQuery)) continue;
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

function matches(spec: FaultSpec, method: string, path: string, pathWithQuery: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method) return false;
  if (typeof spec.path === 'string') return path === spec.path || path.startsWith(spec.path);
  spec.path.lastIndex = 0;
  return spec.path.test(pathWithQuery);
}
