/**
 * A page, first half (see planner.ts): each record's value check, cursor, unchanged-source decision
 * and fingerprint, and its transform started.
 */
import type { DataRecord } from '../connector/types.js';
import { recordValueProblem } from '../transform/record-values.js';
import { compareCursor, cursorValue } from './cursor.js';
import type { Prepared, PlannerRun, Step } from './planner-types.js';
import { pageFingerprints, recordFingerprint } from './unchanged.js';

/**
 * A page, first half: what each record needs, in order, and its transforms started (on threads
 * when the pool has them). Nothing here touches the plan, so the next page is prepared while the
 * previous one is finished: the threads evaluate one page while the main thread classifies another.
 */
export async function preparePage(run: PlannerRun, records: DataRecord[], fromResync: boolean): Promise<Prepared> {
  const { input, out, resync, rejects } = run;
  input.signal?.throwIfAborted();
  const rejected = rejects.splice(0);
  const fingerprints =
    input.unchanged && !fromResync
      ? await pageFingerprints(input.unchanged, keyedRecords(records, input.sourceKeyField))
      : undefined;
  const steps: Step[] = [];
  const toTransform: DataRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    out.read++;
    const k = record[input.sourceKeyField];
    const sourceKey = typeof k === 'string' || typeof k === 'number' ? String(k) : `#${out.read}`;
    if (!fromResync) resync.delete(sourceKey);
    const forced = input.forced?.has(sourceKey) === true;
    if (forced) out.forcedSeen.add(sourceKey);
    const bad = recordValueProblem(record, 'the source record');
    if (bad) {
      steps.push({ kind: 'bad', record, sourceKey, problem: bad });
      continue;
    }
    if (!fromResync && input.cursorField) {
      const v = cursorValue(record[input.cursorField]);
      if (v !== undefined && (out.cursorTo === undefined || compareCursor(v, out.cursorTo) >= 0)) {
        out.cursorTo = v;
        out.cursorKeyTo = sourceKey;
      }
    }
    if (input.keepSourceRecords) out.sourceRecords.set(sourceKey, input.source.confirmKeeps?.(record) ?? record);
    const fp = fingerprints?.fp.get(sourceKey);
    const refusedAsIs = fp !== undefined && input.refusedWith?.get(sourceKey) === fp;
    const same = forced || refusedAsIs ? undefined : fingerprints?.skip.get(sourceKey);
    if (same) {
      steps.push({ kind: 'same', record, sourceKey, rows: same });
      continue;
    }
    const context = input.fingerprintContext;
    steps.push({
      kind: 'eval',
      record,
      sourceKey,
      forced,
      fp,
      sourceFp: fp ?? (context !== undefined ? recordFingerprint(context, record) : undefined),
      n: toTransform.length,
    });
    toTransform.push(record);
  }
  const transformed = toTransform.length > 0 ? input.transform.start(toTransform) : undefined;
  return { rejected, steps, transformed };
}

/** The records of a page whose source key field holds a value (only those can be recognised again). */
function keyedRecords(records: DataRecord[], field: string): { sourceKey: string; record: DataRecord }[] {
  const out: { sourceKey: string; record: DataRecord }[] = [];
  for (const record of records) {
    const k = record[field];
    if (typeof k === 'string' || typeof k === 'number') out.push({ sourceKey: String(k), record });
  }
  return out;
}
