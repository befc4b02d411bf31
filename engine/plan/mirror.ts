/**
 * Mirror deletes: target records this pipeline created (per the ledger) whose key the source no
 * longer produced. Guarded: nothing is deleted when the source read nothing (unless allowed), when
 * some records failed before their key was known, or when the deletes exceed the configured share or
 * count of the records the pipeline created.
 */
import type { DeleteAction, TargetRecord } from '../connector/types.js';
import type { LedgerEntry } from '../state/ledger.js';
import type { StateStore } from '../state/store.js';
import type { KeyIndex } from './keyindex.js';
import type { MirrorGuard, PlanOp } from './types.js';

export interface MirrorInput {
  pipeline: string;
  state: StateStore;
  /** Existing target records for keys (the planner's lookup: by field, or through the list index). */
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
  keys: KeyIndex;
  action: DeleteAction;
  maxPercent: number;
  maxCount?: number;
  readCount: number;
  unkeyed: number;
  allowEmptySource: boolean;
  /** Records the target state of each looked-up key (for the plan's target-state hash). */
  seeTarget(key: string, existing: TargetRecord | undefined): string;
}

export interface MirrorResult {
  ops: Omit<PlanOp, 'seq'>[];
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
      `${input.unkeyed} source record(s) failed before their dedupe key was known: mirror deletes are withheld this run, since their target records would look orphaned`,
    );
    return { ops: [], warnings, emptySource: false };
  }
  let owned = 0;
  const gone: LedgerEntry[] = [];
  for await (const page of input.state.ledgerScan(input.pipeline, {
    origin: 'created',
    statuses: ['written', 'deactivated'],
  })) {
    for (const e of page) {
      if (e.status === 'written') owned++;
      if (!input.keys.has(e.key) && !(e.status === 'deactivated' && input.action === 'deactivate')) gone.push(e);
    }
  }
  const ops: Omit<PlanOp, 'seq'>[] = [];
  for (let i = 0; i < gone.length; i += BATCH) {
    const chunk = gone.slice(i, i + BATCH);
    const found = await input.lookup(chunk.map((e) => e.key));
    for (const e of chunk) {
      const ex = found.get(e.key);
      const targetHash = input.seeTarget(e.key, ex);
      if (!ex) {
        // Already gone from the target: only the ledger needs to learn it.
        ops.push({
          op: 'delete',
          key: e.key,
          sourceKey: e.key,
          targetHash,
          action: 'delete',
          ...(e.targetId && { targetId: e.targetId }),
        });
        continue;
      }
      if (input.action === 'deactivate' && ex.active === false) continue;
      ops.push({
        op: 'delete',
        key: e.key,
        sourceKey: e.key,
        targetId: ex.id,
        targetHash,
        action: input.action,
        before: ex.record,
      });
    }
  }
  const real = ops.filter((o) => o.before !== undefined).length;
  const percent = owned === 0 ? 0 : (real / owned) * 100;
  const guard: MirrorGuard = {
    blocked: false,
    candidates: real,
    owned,
    maxPercent: input.maxPercent,
    ...(input.maxCount !== undefined && { maxCount: input.maxCount }),
  };
  if (real > 0 && (percent > input.maxPercent || (input.maxCount !== undefined && real > input.maxCount))) {
    guard.blocked = true;
    guard.reason =
      `mirror would ${input.action} ${real} of ${owned} records this pipeline created (${percent.toFixed(1)}%), over the limit ` +
      `(maxPercent ${input.maxPercent}${input.maxCount !== undefined ? `, maxCount ${input.maxCount}` : ''}); no record is ${input.action}d. ` +
      'If this is intended, raise target.deletes.maxPercent or pass --max-delete-percent for one run';
    warnings.push(guard.reason);
    return { ops: ops.filter((o) => o.before === undefined), guard, warnings, emptySource: false };
  }
  return { ops, guard, warnings, emptySource: false };
}
