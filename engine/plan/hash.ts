/**
 * Canonical JSON (sorted keys) and hashes over it: a record's payload hash, and an order-independent
 * hash of the target state a plan saw (so `apply` can tell whether the target moved since).
 */
import { createHash } from 'node:crypto';
import type { TargetRecord } from '../connector/types.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Loops and string appends rather than filter/map/join: this runs for every source record.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += v === undefined ? 'null' : canonicalJson(v);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of a record the engine is about to write (or its JSON), for the ledger; field order as the transform made it. */
export function payloadHash(recordOrJson: unknown): string {
  const json = typeof recordOrJson === 'string' ? recordOrJson : JSON.stringify(recordOrJson);
  return createHash('sha1').update(json).digest('base64url');
}

export function recordHash(record: unknown): string {
  return sha256(canonicalJson(record));
}

/** Hash of a sequence of items (the target states a plan saw, in plan order). */
export class SequenceHash {
  private readonly hash = createHash('sha256');
  private n = 0;

  add(item: string): void {
    this.hash.update(item);
    this.hash.update('\n');
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  digest(): string {
    return this.hash.update(String(this.n)).digest('hex');
  }
}

/** What a plan remembers of a target record: its content hash and flags, or 'absent'. */
export function targetState(existing: TargetRecord | undefined): string {
  if (!existing) return 'absent';
  return `${recordHash(existing.record)}${existing.active === false ? ':inactive' : ''}${existing.locked ? ':locked' : ''}`;
}
