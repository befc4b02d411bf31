/**
 * Field-level diff of a desired target record against the record the target holds. Only fields the
 * pipeline sets are compared (targets carry read-only fields the pipeline never writes); objects
 * inside arrays are compared the same way, element by element. A number and a numeric string with
 * the same value are equal (remote APIs return amounts as strings).
 */
import type { DataRecord, FieldChange } from '../connector/types.js';

function scalarEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  return false;
}

function diffValue(path: string, desired: unknown, actual: unknown, out: FieldChange[]): void {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) {
      out.push({ path, before: actual, after: desired });
      return;
    }
    desired.forEach((d, i) => diffValue(`${path}[${i}]`, d, actual[i], out));
    return;
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push({ path, before: actual, after: desired });
      return;
    }
    for (const [k, v] of Object.entries(desired as Record<string, unknown>)) {
      if (v === undefined) continue;
      diffValue(path ? `${path}.${k}` : k, v, (actual as Record<string, unknown>)[k], out);
    }
    return;
  }
  if (!scalarEqual(desired, actual)) out.push({ path, before: actual, after: desired });
}

export function diffRecords(desired: DataRecord, actual: DataRecord): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue('', desired, actual, out);
  return out;
}
