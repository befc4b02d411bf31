/**
 * Mirror deletes: target records this pipeline created (per the ledger) whose key the source no
 * longer produced. Guarded: nothing is deleted when the source read nothing (unless allowed), when
 * some records failed before their key was known, or when the deletes exceed the configured share or
 * count of the records the pipeline created. Creates still in doubt are never touched (they are
 * `pending`, not `written`).
 */
import type { DeleteAction, TargetRecord } from '../connector/types.js';
import type { LedgerEntry } from '../state/ledger.js';
import { targetState } from './hash.js';
import type { KeyIndex } from './keyindex.js';
import type { DeleteOp, ForgetOp, MirrorGuard } from './types.js';

export interface MirrorInput {
  /** Ledger rows this pipeline created, written or deactivated, in pages. */
  owned: AsyncIterable<LedgerEntry[]>;
  /** Existing target records for keys (the planner's target view). */
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
  keys: KeyIndex;
  action: DeleteAction;
  maxPercent: number;
  maxCount?: number;
  /** Up to this many deletes pass whatever their share (small lists). */
  minCount?: number;
  readCount: number;
  unkeyed: number;
  allowEmptySource: boolean;
}

export interface MirrorResult {
  ops: (DeleteOp | ForgetOp)[];
  guard?: MirrorGuard;
  warnings: string[];
  emptySource: boolean;
}

const BATCH = 500;

export async function planMirrorDeletes(input: MirrorInput): Promise<MirrorResult> {
  const warnings: string[] = [];
  if (input.readCount === 0 && !input.allowEmptySource) {
    warnings.push(
      'the source returned no records: mirror deletes are withheld (pass --allow-empty-source if the source is really empty)',
    );
    return { ops: [], warnings, emptySource: true };
  }
  if (input.unkeyed > 0) {
    warnings.push(
      `${input.unkeyed} source record(s) could not be read or failed before their dedupe key was known: mirror deletes are withheld this run, since their target records would look orphaned`,
    );
    return { ops: [], warnings, emptySource: false };
  }
  let owned = 0;
  const gone: LedgerEntry[] = [];
  for await (const page of input.owned) {
    for (const e of page) {
      if (e.status === 'written') owned++;
      if (!input.keys.has(e.key) && !(e.status === 'deactivated' && input.action === 'deactivate')) gone.push(e);
    }
  }
  const deletes: DeleteOp[] = [];
  const forgets: ForgetOp[] = [];
  for (let i = 0; i < gone.length; i += BATCH) {
    const chunk = gone.slice(i, i + BATCH);
    const found = await input.lookup(chunk.map((e) => e.key));
    for (const e of chunk) {
      const ex = found.get(e.key);
      if (!ex) {
        // Already gone from the target: only the ledger needs to learn it.
        forgets.push({
          op: 'forget',
          key: e.key,
          sourceKey: e.key,
          targetHash: 'absent',
          ...(e.targetId && { targetId: e.targetId }),
        });
        continue;
      }
      if (input.action === 'deactivate' && ex.active === false) continue;
      deletes.push({
        op: 'delete',
        key: e.key,
        sourceKey: e.key,
        targetId: ex.id,
        targetHash: targetState(ex),
        action: input.action,
        before: ex.record,
      });
    }
  }
  const real = deletes.length;
  const percent = owned === 0 ? 0 : (real / owned) * 100;
  const guard: MirrorGuard = {
    blocked: false,
    candidates: real,
    owned,
    maxPercent: input.maxPercent,
    ...(input.maxCount !== undefined && { maxCount: input.maxCount }),
  };
  const overPercent = percent > input.maxPercent && real > (input.minCount ?? 0);
  if (real > 0 && (overPercent || (input.maxCount !== undefined && real > input.maxCount))) {
    const verb = input.action === 'deactivate' ? 'deactivate' : 'delete';
    guard.blocked = true;
    guard.reason =
      `mirror would ${verb} ${real} of ${owned} records this pipeline manages (${percent.toFixed(1)}%), over the limit ` +
      `(maxPercent ${input.maxPercent}${input.minCount ? ` above minCount ${input.minCount}` : ''}${input.maxCount !== undefined ? `, maxCount ${input.maxCount}` : ''}); no record is ${verb}d. ` +
      'If this is intended, raise target.deletes.maxPercent or pass --max-delete-percent for one run';
    warnings.push(guard.reason);
    return { ops: forgets, guard, warnings, emptySource: false };
  }
  return { ops: [...deletes, ...forgets], guard, warnings, emptySource: false };
}
