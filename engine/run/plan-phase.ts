/** The plan phase of a session: source → transform → keys → classify into a spill, then duplicates and mirror deletes. */
import { applyLookback } from '../plan/cursor.js';
import { resolveDuplicates } from '../plan/duplicates.js';
import { planMirrorDeletes } from '../plan/mirror.js';
import { Planner } from '../plan/planner.js';
import type { Spill } from '../plan/spill.js';
import type { PlanAttention, PlanOp, PlanSummary } from '../plan/types.js';
import { compileKey } from '../transform/key.js';
import { Transform } from '../transform/transform.js';
import { targetKeyField, type Ctx } from './context.js';
import { loadLookups } from './open.js';

/** Plans into a spill: source → transform → keys → classify, then duplicates and mirror deletes. */
export async function plan(
  ctx: Ctx,
  spill: Spill,
): Promise<{
  summary: PlanSummary;
  spill: Spill;
  sourceRecords: Map<string, Record<string, unknown>>;
  lookup: Planner['existing'];
}> {
  const { pipeline, conns, state, opts } = ctx;
  const spec = pipeline.spec;
  const lookups = await loadLookups(pipeline, conns, ctx.logger);
  const source = await conns.source(pipeline.source, spec.source.options);
  const keyField = targetKeyField(pipeline);
  const target = await conns.target(pipeline.target, spec.target.options, keyField);
  const inc = spec.source.incremental;
  const stored = inc ? ((await state.cursorGet(spec.name)) ?? inc.initial) : undefined;
  const since = stored !== undefined ? applyLookback(stored, inc?.lookback) : undefined;
  const resync =
    opts.resync === false
      ? []
      : (await state.attentionList({ pipeline: spec.name, statuses: ['resync'] }))
          .map((e) => e.payload)
          .filter((p): p is Record<string, unknown> => !!p && typeof p === 'object');
  const caps = pipeline.target.definition.capabilities;
  const mode = spec.target.mode ?? 'upsert';
  const planner = new Planner({
    pipeline: spec.name,
    source,
    sourceKeyField: spec.source.key ?? pipeline.source.definition.key,
    ...(inc && { cursorField: inc.field }),
    ...(since !== undefined && { since }),
    ...(spec.source.pageSize !== undefined && { pageSize: spec.source.pageSize }),
    resync,
    transform: new Transform(spec.transform, lookups),
    key: compileKey(spec.target.key ?? ''),
    keyField,
    target,
    capabilities: caps,
    ...(pipeline.target.definition.check && {
      check: (r: Record<string, unknown>) => pipeline.target.definition.check!(r),
    }),
    mode,
    state,
    spill,
    onError: spec.on_error,
    keepSourceRecords: pipeline.source.definition.capabilities.confirm === true,
    dryRun: opts.command === 'plan',
    ...(opts.onPlanProgress && { onProgress: opts.onPlanProgress }),
  });
  const result = await planner.run();
  const finalSpill = await resolveDuplicates(spill, result.duplicates, result.counts);
  const warnings: string[] = [];
  let guard: PlanSummary['guard'];
  let emptySource = false;
  if (mode === 'mirror') {
    const m = await planMirrorDeletes({
      pipeline: spec.name,
      state,
      lookup: (keys) => planner.existing(keys),
      keys: result.keys,
      action: spec.target.deletes?.action ?? 'deactivate',
      maxPercent: opts.maxDeletePercent ?? spec.target.deletes?.maxPercent ?? 10,
      ...(spec.target.deletes?.maxCount !== undefined && { maxCount: spec.target.deletes.maxCount }),
      readCount: result.counts.read,
      unkeyed: result.unkeyed,
      allowEmptySource: opts.allowEmptySource === true,
      seeTarget: (key, ex) => planner.addTargetState(key, ex),
    });
    warnings.push(...m.warnings);
    guard = m.guard;
    emptySource = m.emptySource;
    let seq = result.counts.read * 2 + 1_000_000;
    for (const op of m.ops) {
      result.counts.delete++;
      await finalSpill.add({ t: 'op', op: { seq: seq++, ...op } });
    }
    for (const o of m.ops) planner.addToPlanHash(o);
    if (guard?.blocked) {
      result.counts.attention++;
      await finalSpill.add({
        t: 'att',
        att: {
          sourceKey: '(mirror deletes)',
          stage: 'guard',
          code: 'MIRROR_GUARD',
          message: guard.reason ?? 'mirror deletes blocked',
        },
      });
    }
  }
  const summary: PlanSummary = {
    counts: result.counts,
    targetStateHash: planner.targetStateHash(),
    planHash: planner.planHash(),
    cursor: {
      ...(inc && { field: inc.field }),
      ...(stored !== undefined && { from: stored }),
      ...(result.cursorTo !== undefined && { to: result.cursorTo }),
    },
    ...(guard && { guard }),
    ...(emptySource && { emptySource }),
    warnings,
  };
  return { summary, spill: finalSpill, sourceRecords: result.sourceRecords, lookup: (keys) => planner.existing(keys) };
}

export async function collect(spill: Spill, keep: number): Promise<{ ops: PlanOp[]; attention: PlanAttention[] }> {
  const ops: PlanOp[] = [];
  const attention: PlanAttention[] = [];
  for await (const item of spill.items()) {
    if (item.t === 'op' && item.op.op !== 'noop' && ops.length < keep) ops.push(item.op);
    if (item.t === 'att' && attention.length < keep) attention.push(item.att);
  }
  return { ops, attention };
}
