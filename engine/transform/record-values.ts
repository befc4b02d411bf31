/**
 * Values a record may not carry into a target: numbers that are not finite (`1e999` parses to
 * Infinity, `x/0` in a transform yields it, JSON would silently write it as null) and nesting deeper
 * than MAX_RECORD_DEPTH (which would overflow the stack of every recursive step after it). The walk
 * is iterative, so it never overflows itself.
 */

/** Levels of objects and arrays a record may nest (the record itself is level 1). */
export const MAX_RECORD_DEPTH = 64;

export interface ValueProblem {
  code: 'RECORD_NOT_FINITE' | 'RECORD_TOO_DEEP';
  /** JSONata-style path of the offending value, e.g. `lines[2].amount`. */
  path: string;
  message: string;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Whether `value` holds a problem, without building a path for every value (the common case is no
 * problem: this runs for every source and target record).
 */
function hasValueProblem(value: unknown): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return true;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_RECORD_DEPTH) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x !== null && (typeof x === 'object' || typeof x === 'number')) {
          values.push(x);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && (typeof x === 'object' || typeof x === 'number')) {
          values.push(x);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** The first problem of `value`, or undefined when it is fine. `what` names it in the message. */
export function recordValueProblem(value: unknown, what = 'the record'): ValueProblem | undefined {
  if (!hasValueProblem(value)) return undefined;
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        return {
          code: 'RECORD_NOT_FINITE',
          path,
          message: `${what} has ${String(v)} at ${path || '(root)'}: a number must be finite (an amount is never written as null); fix the source value or the transform`,
        };
      }
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_RECORD_DEPTH) {
      return {
        code: 'RECORD_TOO_DEEP',
        path,
        message: `${what} nests deeper than ${MAX_RECORD_DEPTH} levels (at ${path || '(root)'}); such data is refused rather than processed`,
      };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, i), depth: depth + 1 });
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        stack.push({ v: (v as Record<string, unknown>)[k], path: join(path, k), depth: depth + 1 });
      }
    }
  }
  return undefined;
}
