/** The plan phase of a session: gathers what the planner needs from the pipeline and builds the plan. */
import type { DataRecord } from '../connector/types.js';
import { buildPlan, type Plan } from '../plan/build.js';
import { applyLookback } from '../plan/cursor.js';
import { Spill } from '../plan/spill.js';
import type { PlanAttention, PlanOp } from '../plan/types.js';
import { compileKey } from '../transform/key.js';
import { programImpureCalls } from '../transform/purity.js';
import { Transform } from '../transform/transform.js';
import { TransformPool, type Transformer } from '../transform/transform-pool.js';
import { transformThreads } from './threads.js';
import { compileRoute } from '../transform/route.js';
import { RoutedTarget } from '../plan/routed-target.js';
import { contextFingerprint } from '../plan/unchanged.js';
import { openTarget, type Ctx } from './context.js';
import { loadLookups } from './open.js';
import { gatherResync, type ResyncWork } from './resync-phase.js';
import type { Settled } from './settle-phase.js';

/** A plan, with what it processes again on request (closed by the apply that follows). */
export type PlannedRun = Plan & { resync: ResyncWork };

export async function plan(ctx: Ctx, spillPath: string, settled: Settled): Promise<PlannedRun> {
  const { pipeline, conns } = ctx;
  const lookups = await loadLookups(pipeline, conns, ctx.logger);
  const local = await Transform.create(pipeline.program, lookups.tables);
  const transform = TransformPool.create(local, pipeline.program, lookups.tables, transformThreads(ctx), ctx.logger);
  try {
    return await planWith(ctx, spillPath, settled, lookups, transform);
  } finally {
    if (transform instanceof TransformPool) await transform.close();
  }
}

async function planWith(
  ctx: Ctx,
  spillPath: string,
  settled: Settled,
  lookups: Awaited<ReturnType<typeof loadLookups>>,
  transform: Transformer,
): Promise<PlannedRun> {
  const { pipeline, conns, state, opts } = ctx;
  const spec = pipeline.spec;
  const work = await gatherResync(ctx);
  const skip = skipUnchanged(ctx) && !work.all;
  const source = await conns.source(pipeline.source, spec.source.options);
  const { target, view } = await openTarget(ctx);
  // A re-sync of every record, or of a key with no stored record, reads the whole source.
  const inc = work.fullRead ? undefined : spec.source.incremental;
  const position = inc ? await state.cursorPosition(spec.name) : undefined;
  const stored = inc ? (position?.value ?? inc.initial) : undefined;
  const since = stored !== undefined ? applyLookback(stored, inc?.lookback) : undefined;
  const keysMatch = (spec.source.key ?? pipeline.source.definition.key) === pipeline.source.definition.key;
  // A compound (cursor, key) position only without a lookback: a lookback re-reads on purpose.
  const sinceKey = inc && !inc.lookback && keysMatch ? position?.key : undefined;
  const resync = new Map<string, DataRecord>(work.records);
  for (const [k, v] of settled.resync) resync.set(k, v);
  const definition = pipeline.target.definition;
  const mode = spec.target.mode ?? 'upsert';
  const deletes = spec.target.deletes;
  const routed = target instanceof RoutedTarget ? target : undefined;
  // Every connection the records may go to: a changed connection config re-evaluates the records.
  const targetConfigs = pipeline.route
    ? [...pipeline.route.targets].map(([name, b]) => [name, b.connection.config])
    : pipeline.target.connection.config;
  // What every transform depends on besides its record: unchanged-source skipping, and refusals by
  // the target, which are not sent again while a record's fingerprint stays the same.
  const context = contextFingerprint([
    pipeline.hash,
    pipeline.source.connection.config,
    targetConfigs,
    lookups.contentHash,
    FINGERPRINT_VERSION,
  ]);
  const built = await buildPlan({
    pipeline: spec.name,
    source,
    sourceKeyField: spec.source.key ?? pipeline.source.definition.key,
    rejectKeysMatch: keysMatch,
    ...(inc && { cursorField: inc.field }),
    ...(since !== undefined && { since }),
    ...(sinceKey !== undefined && { sinceKey }),
    ...(stored !== undefined && { cursorFrom: stored }),
    ...(position?.key !== undefined && { cursorFromKey: position.key }),
    ...(spec.source.pageSize !== undefined && { pageSize: spec.source.pageSize }),
    resync,
    ...(work.forced.size > 0 && { forced: work.forced }),
    ...(work.held.size > 0 && { hold: work.held }),
    ...(work.refused.size > 0 && { refused: work.refused }),
    ...(work.refusedWith.size > 0 && { refusedWith: work.refusedWith }),
    fingerprintContext: context,
    transform,
    ...(skip && {
      unchanged: {
        context,
        bySource: (keys: string[]) => state.ledgerBySource(spec.name, keys),
        waiting: settled.settlement.waiting,
        ...(mode === 'mirror' && { lookup: (keys: string[]) => view.lookup(keys) }),
      },
    }),
    key: compileKey(spec.target.key ?? ''),
    capabilities: definition.capabilities,
    // one record check, the resource definition's: the same for every connection a record routes to
    check: (r) => definition.check?.(r) ?? [],
    ...(routed
      ? { prepareRecords: (records, keys) => routed.prepareRouted(records, keys) }
      : target.prepareRecords && { prepareRecords: (records) => target.prepareRecords!(records) }),
    ...(pipeline.route && {
      route: compileRoute(pipeline.route.spec),
      routeConnections: [...pipeline.route.targets.keys()],
    }),
    corrections: spec.target.corrections ?? 'lock',
    mode,
    ledger: (keys) => state.ledgerGet(spec.name, keys),
    lookup: (keys) => view.lookup(keys),
    settlement: settled.settlement,
    spill: new Spill(spillPath),
    onError: spec.on_error,
    keepSourceRecords: pipeline.source.definition.capabilities.confirm === true,
    dryRun: ctx.command === 'plan',
    signal: ctx.signal,
    ...(opts.onPlanProgress && { onProgress: opts.onPlanProgress }),
    ...(mode === 'mirror' && {
      mirror: {
        action: deletes?.action ?? 'deactivate',
        maxPercent: opts.maxDeletePercent ?? deletes?.maxPercent ?? 10,
        ...(deletes?.maxCount !== undefined && { maxCount: deletes.maxCount }),
        ...(deletes?.minCount !== undefined && { minCount: deletes.minCount }),
        allowEmptySource: opts.allowEmptySource === true,
        owned: () =>
          state.ledgerScan(spec.name, {
            origin: deletes?.scope === 'managed' ? ['created', 'adopted'] : 'created',
            statuses: ['written', 'deactivated'],
          }),
      },
    }),
  });
  return Object.assign(built, { resync: work });
}

/** Bumped when what a fingerprint covers changes, so old fingerprints never match. */
const FINGERPRINT_VERSION = 2; // 2: the source record's own JSON (unchanged.ts)

/** Unchanged source records are skipped unless the pipeline, the run, the transform or the source says otherwise. */
function skipUnchanged(ctx: Ctx): boolean {
  const { pipeline, opts } = ctx;
  if (pipeline.spec.skip_unchanged === false || opts.full === true) return false;
  // A source told per record what the target holds gets every record's outcome from this run.
  if (pipeline.source.definition.capabilities.confirm === true) return false;
  const impure = programImpureCalls(pipeline.program);
  if (impure.length > 0) {
    ctx.logger.debug({ functions: impure }, 'the transform is not pure: every record is evaluated');
    return false;
  }
  return true;
}

/** The first `keep` changes and attention entries of a plan, for printing. */
export async function collect(
  items: AsyncIterable<{ t: 'op'; op: PlanOp } | { t: 'att'; att: PlanAttention }>,
  keep: number,
): Promise<{ ops: PlanOp[]; attention: PlanAttention[]; opsTotal: number; attentionTotal: number }> {
  const ops: PlanOp[] = [];
  const attention: PlanAttention[] = [];
  let opsTotal = 0;
  let attentionTotal = 0;
  for await (const item of items) {
    if (item.t === 'op' && item.op.op !== 'noop') {
      opsTotal++;
      if (ops.length < keep) ops.push(item.op);
    }
    if (item.t === 'att') {
      attentionTotal++;
      if (attention.length < keep) attention.push(item.att);
    }
  }
  return { ops, attention, opsTotal, attentionTotal };
}
