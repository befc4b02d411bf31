/**
 * Two source records with the same dedupe key: neither is written. The planner notices the second
 * one; this pass removes the first one's operation from the spill and parks every record involved,
 * each entry naming all of them.
 */
import type { DataRecord } from '../connector/types.js';
import { Spill } from './spill.js';
import type { PlanAttention } from './types.js';

/** The spill without the first op of each duplicated key, plus one attention entry per record involved. */
export async function resolveDuplicates(
  spill: Spill,
  duplicates: Map<string, { sourceKey: string; payload: DataRecord }[]>,
): Promise<Spill> {
  if (duplicates.size === 0) return spill;
  const firsts = new Map<string, string>();
  const next = new Spill(`${spill.path}.dedup`);
  for await (const item of spill.items()) {
    if (item.t === 'op' && duplicates.has(item.op.key)) {
      firsts.set(item.op.key, item.op.sourceKey);
      continue;
    }
    await next.add(item);
  }
  for (const [key, later] of duplicates) {
    const first = firsts.get(key);
    const all = [...(first !== undefined ? [first] : []), ...later.map((l) => l.sourceKey)];
    const names = [...new Set(all)].join(', ');
    const message = `dedupe key ${key} is produced by ${all.length} source records (${names}); none of them is written. Make the key unique (fix the source data or the target.key) and re-sync`;
    const entries: PlanAttention[] = [];
    if (first !== undefined)
      entries.push({ sourceKey: first, dedupeKey: key, stage: 'duplicate', code: 'DUPLICATE_KEY', message });
    for (const l of later)
      entries.push({
        sourceKey: l.sourceKey,
        dedupeKey: key,
        stage: 'duplicate',
        code: 'DUPLICATE_KEY',
        message,
        payload: l.payload,
      });
    for (const att of entries) await next.add({ t: 'att', att });
  }
  spill.remove();
  return next;
}
