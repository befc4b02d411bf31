/**
 * Unchanged source records. Each ledger row remembers the source record it came from, a fingerprint
 * of that record together with everything its transform depended on (the pipeline file, the
 * connections, the lookups' contents), how many target records it made and the target state seen.
 * A source record whose fingerprint matches all of its rows — each written, none in doubt — is a
 * noop without evaluating its transform. Where the target is read anyway (mirror mode), a row is
 * trusted only while the target still holds the state it was seen in; otherwise the record goes the
 * full way.
 */
import { createHash } from 'node:crypto';
import type { DataRecord, TargetRecord } from '../connector/types.js';
import type { LedgerEntry } from '../state/ledger.js';
import { canonicalJson, targetState } from './hash.js';

export interface UnchangedInput {
  /** Hash of what every transform depends on besides its record (see `contextFingerprint`). */
  context: string;
  bySource(sourceKeys: string[]): Promise<Map<string, LedgerEntry[]>>;
  /** Set where the target is read anyway (mirror mode): drift of a skipped record's target is checked. */
  lookup?: (keys: string[]) => Promise<Map<string, TargetRecord>>;
  /** Keys whose create is still in doubt: never skipped. */
  waiting: ReadonlyMap<string, unknown>;
}

export interface PageFingerprints {
  /** Fingerprint per source key (only records whose key field holds a value). */
  fp: Map<string, string>;
  /** Ledger rows of the records that can be skipped, by source key. */
  skip: Map<string, LedgerEntry[]>;
}

/** What the transforms of a run depend on besides their records. */
export function contextFingerprint(parts: unknown[]): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

/**
 * The record's JSON as its source gives it, key order included: a source that reorders its fields
 * costs one evaluation, never a wrong skip, and native JSON is several times cheaper than canonical.
 */
export function recordFingerprint(context: string, record: DataRecord): string {
  return createHash('sha1').update(context).update('\n').update(JSON.stringify(record)).digest('base64url');
}

export async function pageFingerprints(
  input: UnchangedInput,
  records: readonly { sourceKey: string; record: DataRecord }[],
): Promise<PageFingerprints> {
  const fp = new Map<string, string>();
  for (const r of records) fp.set(r.sourceKey, recordFingerprint(input.context, r.record));
  const skip = new Map<string, LedgerEntry[]>();
  if (fp.size === 0) return { fp, skip };
  const rows = await input.bySource([...fp.keys()]);
  for (const [sourceKey, list] of rows) {
    const f = fp.get(sourceKey);
    const n = list[0]?.nOutputs;
    const ok =
      f !== undefined &&
      n === list.length &&
      list.every((e) => e.sourceFp === f && e.status === 'written' && e.targetId !== null && !input.waiting.has(e.key));
    if (ok) skip.set(sourceKey, list);
  }
  if (input.lookup && skip.size > 0) {
    const keys = [...skip.values()].flat().map((e) => e.key);
    const found = await input.lookup(keys);
    for (const [sourceKey, list] of skip) {
      const drifted = list.some((e) => e.targetHash === null || targetState(found.get(e.key)) !== e.targetHash);
      if (drifted) skip.delete(sourceKey);
    }
  }
  return { fp, skip };
}
