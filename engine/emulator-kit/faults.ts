/**
 * Fault injection shared by every emulator: a book of armed faults, each matching requests by method
 * and path (and whatever else the emulator adds, e.g. a region), firing `times` times (default 1,
 * Infinity for all), the first armed match winning. `hold` faults wait at a gate the test opens
 * (`release`) or cuts (`drop`). Each emulator names its own kinds (its statuses, 429/5xx with its
 * error bodies, slow answers) and serves them; the in-doubt kinds (`delay`, `hold`, `proxy-504`,
 * `drop-after-commit`) go to ./in-doubt.ts. Specs can also come as text (`--fault` on the command
 * line): see `parseFaultSpec`.
 */
import { ConfigError } from '../errors.js';
import { HoldGate } from './hold.js';

/** What every fault spec has; emulators extend it with their own fields. */
export interface FaultSpecBase {
  kind: string;
  /** Matches the request path as the emulator's `PathMatch` says; a RegExp is tested against path + query. */
  path: RegExp | string;
  method?: string;
  /** How many matching requests are affected (default 1; Infinity for all). */
  times?: number;
}

export interface ArmedFault<S extends FaultSpecBase> {
  readonly spec: S;
  /** Requests it has affected so far. */
  readonly hits: number;
  /** Requests it will still affect. */
  readonly remaining: number;
  /** `hold`: requests waiting for the test's decision now. */
  readonly held: number;
  /** The gate a `hold` fault's requests wait at. */
  readonly gate: HoldGate;
  /** `hold`: process, commit and answer every request it holds, now and later. */
  release(): void;
  /** `hold`: destroy the socket of every request it holds, now and later; nothing is processed. */
  drop(): void;
  /** Disarm this fault. */
  remove(): void;
}

/** The request as faults see it. */
export interface FaultRequest {
  method: string;
  /** Path without the query, as the emulator names it (e.g. after its service root). */
  path: string;
  /** Decoded query string without `?` ('' when none). */
  query: string;
}

/**
 * How a string path matches: `prefix`, any path starting with it; `segment`, the path itself or
 * anything below it (`JournalEntries` matches `JournalEntries(5)/Cancel`, not `JournalEntriesX`).
 */
export type PathMatch = 'prefix' | 'segment';

export function pathMatches(pattern: RegExp | string, req: FaultRequest, mode: PathMatch): boolean {
  if (typeof pattern !== 'string') {
    pattern.lastIndex = 0;
    return pattern.test(req.query === '' ? req.path : `${req.path}?${req.query}`);
  }
  if (!req.path.startsWith(pattern)) return false;
  if (mode === 'prefix') return true;
  const next = req.path.charAt(pattern.length);
  return next === '' || !/\w/.test(next);
}

export interface FaultBookOptions<S extends FaultSpecBase, R extends FaultRequest> {
  kinds: readonly string[];
  pathMatch: PathMatch;
  /** Further conditions of the emulator's own (region, headers). */
  also?(spec: S, req: R): boolean;
}

export class FaultBook<S extends FaultSpecBase, R extends FaultRequest = FaultRequest> {
  private faults: (ArmedFault<S> & { hit(): void })[] = [];
  private readonly gates: HoldGate[] = [];

  constructor(private readonly options: FaultBookOptions<S, R>) {}

  add(spec: S): ArmedFault<S> {
    if (!this.options.kinds.includes(spec.kind))
      throw new ConfigError(
        'EMULATOR_FAULT_INVALID',
        `unknown fault kind ${String(spec.kind)} (kinds: ${this.options.kinds.join(', ')})`,
      );
    const gate = new HoldGate();
    let hits = 0;
    const times = spec.times ?? 1;
    const only = (what: string): void => {
      if (spec.kind !== 'hold')
        throw new ConfigError('EMULATOR_FAULT_INVALID', `${what}() is for hold faults, not ${spec.kind}`);
    };
    const fault = {
      spec,
      gate,
      get hits() {
        return hits;
      },
      get remaining() {
        return Math.max(0, times - hits);
      },
      get held() {
        return gate.held;
      },
      hit: () => {
        hits += 1;
      },
      release: () => {
        only('release');
        gate.release();
      },
      drop: () => {
        only('drop');
        gate.drop();
      },
      remove: () => {
        this.faults = this.faults.filter((f) => f !== fault);
      },
    };
    this.faults.push(fault);
    this.gates.push(gate);
    return fault;
  }

  /** Faults still armed, in the order they were added. */
  active(): ArmedFault<S>[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  /** Disarms every fault (requests a `hold` fault holds keep waiting for its release or drop). */
  clear(): void {
    this.faults = [];
  }

  /** The first armed fault matching the request, counted as hit. */
  take(req: R): ArmedFault<S> | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && this.matches(f.spec, req));
    fault?.hit();
    return fault;
  }

  /** The emulator closes: every held request is dropped. */
  dropHeld(): void {
    for (const gate of this.gates) gate.drop();
  }

  private matches(spec: S, req: R): boolean {
    if (spec.method !== undefined && spec.method.toUpperCase() !== req.method.toUpperCase()) return false;
    if (!pathMatches(spec.path, req, this.options.pathMatch)) return false;
    return this.options.also ? this.options.also(spec, req) : true;
  }
}

/**
 * A fault spec from text, for `--fault` on an emulator's command line:
 * `<kind> [METHOD] <path> [key=value ...]`, e.g. `429 GET /list/v4/lists times=2 retryAfterSeconds=0`
 * or `drop-after-commit POST JournalEntries`. A path written `re:<pattern>` is a RegExp; values that are
 * numbers become numbers, `times=all` is Infinity.
 */
export function parseFaultSpec(text: string): FaultSpecBase & Record<string, unknown> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const bad = (why: string): never => {
    throw new ConfigError(
      'EMULATOR_FAULT_INVALID',
      `fault "${text}": ${why}; write <kind> [METHOD] <path> [key=value ...]`,
    );
  };
  const kind = words.shift() ?? bad('no kind');
  const method = words[0] !== undefined && /^[A-Z]+$/.test(words[0]) ? words.shift() : undefined;
  const rawPath = words.shift();
  if (rawPath === undefined || rawPath.includes('=')) return bad('no path');
  const spec: FaultSpecBase & Record<string, unknown> = {
    kind,
    path: rawPath.startsWith('re:') ? new RegExp(rawPath.slice(3)) : rawPath,
    ...(method && { method }),
  };
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) bad(`"${word}" is not key=value`);
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    spec[key] =
      key === 'times' && value === 'all'
        ? Infinity
        : value !== '' && Number.isFinite(Number(value))
          ? Number(value)
          : value;
  }
  return spec;
}
