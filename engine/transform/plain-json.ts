/**
 * Whether a value is plain JSON data — null, booleans, numbers, strings, arrays and plain objects —
 * which a transform thread receives exactly as the main thread holds it. Anything else (a Date, a
 * Buffer, a Map, a class instance) would arrive changed by the structured clone, so a record holding
 * one is transformed on the main thread.
 */
export function isPlainJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    const t = typeof v;
    if (t === 'string' || t === 'number' || t === 'boolean') continue;
    if (t !== 'object') return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
      continue;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    for (const k in v) if (Object.hasOwn(v, k)) stack.push((v as Record<string, unknown>)[k]);
  }
  return true;
}
