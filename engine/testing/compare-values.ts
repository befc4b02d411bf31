/**
 * Exact comparison of a JSONata result with an expected JSON value, for library tests: every
 * difference is one readable line with its path (`result.lines[2].Credit: expected 10, got 12`).
 */

const MAX_LINES = 25;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const isFunction = (v: unknown): boolean =>
  typeof v === 'function' || (isObject(v) && (v as { _jsonata_lambda?: unknown })._jsonata_lambda === true);

/**
 * A JSONata value as plain JSON: sequences become arrays, functions the text "(function)", undefined
 * fields are left out (as JSONata leaves them out of objects it builds).
 */
export function plainValue(v: unknown): unknown {
  if (isFunction(v)) return '(function)';
  if (Array.isArray(v)) return v.map((x) => plainValue(x) ?? null);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plainValue(x);
    return out;
  }
  return v;
}

export const show = (v: unknown): string => (v === undefined ? '(nothing)' : JSON.stringify(v));

function key(path: string, k: string | number): string {
  if (typeof k === 'number') return `${path}[${k}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}

function diff(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (out.length > MAX_LINES) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      out.push(`${path}: expected ${expected.length} item(s), got ${actual.length}`);
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      if (i >= expected.length) out.push(`${key(path, i)}: not expected, got ${show(actual[i])}`);
      else if (i >= actual.length) out.push(`${key(path, i)}: expected ${show(expected[i])}, got (missing)`);
      else diff(expected[i], actual[i], key(path, i), out);
    }
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const [k, e] of Object.entries(expected)) {
      if (k in actual) diff(e, actual[k], key(path, k), out);
      else out.push(`${key(path, k)}: expected ${show(e)}, got (missing)`);
    }
    for (const [k, a] of Object.entries(actual))
      if (!(k in expected)) out.push(`${key(path, k)}: not expected, got ${show(a)}`);
    return;
  }
  if (expected !== actual) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
}

/** The differences between `expected` and the plain form of `actual`; `null` expected matches nothing too. */
export function compareValue(expected: unknown, actual: unknown, root = 'result'): string[] {
  if (expected === null && (actual === undefined || actual === null)) return [];
  const out: string[] = [];
  diff(expected, plainValue(actual), root, out);
  return out.length > MAX_LINES ? [...out.slice(0, MAX_LINES), '… (more differences not shown)'] : out;
}
