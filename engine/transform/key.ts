/**
 * Dedupe keys: a plain field path (`Reference`, `header.id`) is read directly; anything else is a
 * JSONata expression over the target record. Keys are strings; empty or missing keys are errors.
 */
import { jsonata } from './jsonata-lib.js';
import type { DataRecord } from '../connector/types.js';
import { RecordError } from '../errors.js';

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const MAX_KEY_LENGTH = 255;

export function isFieldPath(key: string): boolean {
  return FIELD_PATH.test(key);
}

/** A key function: synchronous for plain fields, a promise for JSONata expressions. */
export type KeyFn = (record: DataRecord) => string | Promise<string>;

function readPath(record: DataRecord, parts: string[]): unknown {
  let cur: unknown = record;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function toKey(value: unknown, spec: string): string {
  if (typeof value === 'string' && value !== '') {
    if (value.length > MAX_KEY_LENGTH)
      throw new RecordError(
        'KEY_TOO_LONG',
        `dedupe key (${spec}) is ${value.length} characters; at most ${MAX_KEY_LENGTH}`,
      );
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new RecordError(
    'KEY_MISSING',
    `dedupe key (${spec}) is ${value === undefined ? 'missing' : JSON.stringify(value)} in the record; it must be a non-empty string or number`,
  );
}

export function compileKey(spec: string): KeyFn {
  if (isFieldPath(spec)) {
    const parts = spec.split('.');
    if (parts.length === 1) {
      const f = parts[0]!;
      return (record) => toKey(record[f], spec);
    }
    return (record) => toKey(readPath(record, parts), spec);
  }
  const expr = jsonata(spec);
  return async (record) => toKey(await expr.evaluate(record), spec);
}

/** The key of a record, or undefined when it has none (lookup tables and target snapshots skip those). */
export async function keyOrUndefined(fn: KeyFn, record: DataRecord): Promise<string | undefined> {
  try {
    return await fn(record);
  } catch {
    return undefined;
  }
}
