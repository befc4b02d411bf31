/**
 * Fault injection, per test: the next N matching requests answer 400 / 404 / 429 / 500 / 503, lose their
 * response after the change was committed, answer slowly, or find their access token expired.
 */
export const FAULT_KINDS = ['400', '404', '429', '500', '503', 'drop-after-commit', 'delay', 'expire-token'] as const;
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
  /** delay: milliseconds before the request is handled. Default 100. */
  delayMs?: number;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Requests this fault has affected so far. */
  readonly hits: number;
  /** Remaining affected requests. */
  readonly remaining: number;
  remove(): void;
}

interface ActiveFault {
  spec: FaultSpec;
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

  add(spec: FaultSpec): FaultHandle {
    if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind ${String(spec.kind)}`);
    const fault: ActiveFault = { spec, hits: 0, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    const remove = (): void => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
    return {
      spec,
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      remove,
    };
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this request, consuming one of its uses. */
  take(target: FaultTarget): FaultSpec | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !matches(fault.spec, target)) continue;
      fault.remaining -= 1;
      fault.hits += 1;
      return fault.spec;
    }
    return undefined;
  }
}

function matches(spec: FaultSpec, t: FaultTarget): boolean {
  if (spec.method && spec.method.toUpperCase() !== t.method) return false;
  if (spec.region && spec.region !== t.region) return false;
  if (typeof spec.path === 'string') return t.path === spec.path || t.path.startsWith(spec.path);
  spec.path.lastIndex = 0;
  return spec.path.test(t.pathWithQuery);
}
