/**
 * Canonical JSON (sorted keys) and hashes over it: a record's payload hash, and an order-independent
 * hash of the target state a plan saw (so `apply` can tell whether the target moved since).
 */
import { createHash } from 'node:crypto';
import type { TargetRecord } from '../connector/types.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
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
