/**
 * One construction path for plan, run and apply: load and validate the pipeline, open the state
 * store and connections, plan into a spill (streaming), then — for run and apply — apply that
 * spill. A dry run classifies exactly as a live run does because it is the same code.
 */
import { randomUUID } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import type { Registry } from '../connector/registry.js';
import { ConfigError, SluiceError, asSluiceError, describeError } from '../errors.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { loadPipeline, type LoadedPipeline } from '../config/pipeline.js';
import { Applier, type ApplyResult } from '../apply/applier.js';
import { applyLookback } from '../plan/cursor.js';
import { resolveDuplicates } from '../plan/duplicates.js';
import { planMirrorDeletes } from '../plan/mirror.js';
import { Planner } from '../plan/planner.js';
import { Spill } from '../plan/spill.js';
import type { PlanAttention, PlanCounts, PlanOp, PlanSummary } from '../plan/types.js';
import type { Logger } from '../runtime/logger.js';
import type { RetryPolicy } from '../runtime/retry.js';
import { LeaseHeldError } from '../state/lease.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { compileKey, isFieldPath } from '../transform/key.js';
import { Transform } from '../transform/transform.js';
import { confirmToSource } from './confirm.js';
import { OpenConnections, loadLookups } from './open.js';
import { planItems, readPlanFile, writePlanFile, type PlanDocument, type PlanHeader, PLAN_FORMAT } from './plan-file.js';
import type { RunReport } from './report.js';
import { checkPlanFresh } from './stale.js';

export const COMMANDS = ['plan', 'run', 'apply'] as const;
export type Command = (typeof COMMANDS)[number];

export const EXIT = { ok: 0, failed: 1, invalid: 2, attention: 3, changes: 4 } as const;

export interface SessionOptions {
  command: Command;
  /** Pipeline file (plan, run); for apply it comes from the plan file. */
  pipelinePath?: string;
  /** An already loaded (and possibly rebound) pipeline: `sluice test` runs fixtures through it. */
  pipeline?: LoadedPipeline;
  /** Plan file to apply. */
  planPath?: string;
  /** Where `plan` saves its plan. */
  planOut?: string;
  connectionsPath?: string;
  registry: Registry;
  logger: Logger;
  /** An already open store (tests, `sluice test`); otherwise one is opened from stateUrl / env. */
  state?: StateStore;
  stateUrl?: string;
  allowEmptySource?: boolean;
  maxDeletePercent?: number;
  force?: boolean;
  /** Re-process records marked for re-sync (default true for run). */
  resync?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  leaseTtlMs?: number;
  onPlanProgress?(counts: PlanCounts): void;
  onApplyProgress?(counts: ApplyResult['counts']): void;
  /** How many operations to keep in memory for printing the plan. */
  keepOps?: number;
}

export interface SessionResult {
  report: RunReport;
  exitCode: number;
  diagnostics: Diagnostic[];
  /** The first `keepOps` operations and attention entries, for printing. */
  ops: PlanOp[];
  attention: PlanAttention[];
}

export class InvalidPipelineError extends ConfigError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super('PIPELINE_INVALID', `the pipeline is invalid (${diagnostics.filter((d) => d.severity === 'error').length} problem(s)); run sluice validate for details`);
  }
}

interface Ctx {
  opts: SessionOptions;
  runId: string;
  startedAt: Date;
  pipeline: LoadedPipeline;
  state: StateStore;
  conns: OpenConnections;
  logger: Logger;
}

/** The target field carrying the dedupe key, when the key is a plain top-level field. */
export function targetKeyField(pipeline: LoadedPipeline): string | undefined {
  const key = pipeline.spec.target.key;
  return key && isFieldPath(key) && !key.includes('.') ? key : undefined;
}

function load(opts: SessionOptions, path: string): LoadedPipeline {
  const r = loadPipeline(path, { registry: opts.registry, ...(opts.connectionsPath !== undefined && { connectionsPath: opts.connectionsPath }), ...(opts.cwd !== undefined && { cwd: opts.cwd }), ...(opts.env !== undefined && { env: opts.env }) });
  if (!r.pipeline) throw new InvalidPipelineError(r.diagnostics);
  return r.pipeline;
}

/** Plans into a spill: source → transform → keys → classify, then duplicates and mirror deletes. */
async function plan(ctx: Ctx, spill: Spill): Promise<{ summary: PlanSummary; spill: Spill; sourceRecords: Map<string, Record<string, unknown>>; lookup: Planner['existing'] }> {
  const { pipeline, conns, state, opts } = ctx;
  const spec = pipeline.spec;
  const lookups = await loadLookups(pipeline, conns, ctx.logger);
  const source = await conns.source(pipeline.source, spec.source.options);
  const keyField = targetKeyField(pipeline);
  const target = await conns.target(pipeline.target, spec.target.options, keyField);
  const inc = spec.source.incremental;
  const stored = inc ? ((await state.cursorGet(spec.name)) ?? inc.initial) : undefined;
  const since = stored !== undefined ? applyLookback(stored, inc?.lookback) : undefined;
  const resync = opts.resync === false ? [] : (await state.attentionList({ pipeline: spec.name, statuses: ['resync'] })).map((e) => e.payload).filter((p): p is Record<string, unknown> => !!p && typeof p === 'object');
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
    ...(pipeline.target.definition.check && { check: (r: Record<string, unknown>) => pipeline.target.definition.check!(r) }),
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
      await finalSpill.add({ t: 'att', att: { sourceKey: '(mirror deletes)', stage: 'guard', code: 'MIRROR_GUARD', message: guard.reason ?? 'mirror deletes blocked' } });
    }
  }
  const summary: PlanSummary = {
    counts: result.counts,
    targetStateHash: planner.targetStateHash(),
    planHash: planner.planHash(),
    cursor: { ...(inc && { field: inc.field }), ...(stored !== undefined && { from: stored }), ...(result.cursorTo !== undefined && { to: result.cursorTo }) },
    ...(guard && { guard }),
    ...(emptySource && { emptySource }),
    warnings,
  };
  return { summary, spill: finalSpill, sourceRecords: result.sourceRecords, lookup: (keys) => planner.existing(keys) };
}

async function collect(spill: Spill, keep: number): Promise<{ ops: PlanOp[]; attention: PlanAttention[] }> {
  const ops: PlanOp[] = [];
  const attention: PlanAttention[] = [];
  for await (const item of spill.items()) {
    if (item.t === 'op' && item.op.op !== 'noop' && ops.length < keep) ops.push(item.op);
    if (item.t === 'att' && attention.length < keep) attention.push(item.att);
  }
  return { ops, attention };
}

async function apply(ctx: Ctx, items: AsyncIterable<import('../plan/spill.js').SpillItem>, cursor: string | undefined, sourceRecords: ReadonlyMap<string, Record<string, unknown>>): Promise<ApplyResult & { confirm?: { sent: number; failed: number } }> {
  const { pipeline, conns, state, opts } = ctx;
  const spec = pipeline.spec;
  const keyField = targetKeyField(pipeline);
  const target = await conns.target(pipeline.target, spec.target.options, keyField);
  const caps = pipeline.target.definition.capabilities;
  const open = new Set((await state.attentionList({ pipeline: spec.name, statuses: ['open', 'resync'] })).map((e) => e.sourceKey));
  const confirm = pipeline.source.definition.capabilities.confirm === true;
  const applier = new Applier({
    pipeline: spec.name,
    runId: ctx.runId,
    state,
    target,
    canLookup: keyField !== undefined,
    batchSize: Math.max(1, Math.min(spec.target.batchSize ?? caps.bulkSize ?? 1, caps.bulkSize ?? 1)),
    items,
    onError: spec.on_error,
    openAttention: open,
    logger: ctx.logger,
    collectOutcomes: confirm,
    sourceRecords,
    ...(opts.retry && { retry: opts.retry }),
    ...(opts.onApplyProgress && { onProgress: opts.onApplyProgress }),
  });
  const result = await applier.run();
  let confirmed: { sent: number; failed: number } | undefined;
  const extra: PlanAttention[] = [];
  if (confirm) {
    // A record the transform skipped on purpose has nothing to post: that is a successful outcome.
    for (const [sourceKey, record] of sourceRecords) {
      if (!result.outcomes.has(sourceKey)) result.outcomes.set(sourceKey, { sourceKey, record, status: 'success', message: 'nothing to post' });
    }
    const source = await conns.source(pipeline.source, spec.source.options);
    confirmed = await confirmToSource(source, [...result.outcomes.values()], extra, ctx.logger);
  }
  await applier.finish(cursor, extra);
  // finish() parked the confirmation failures into the same lists the result refers to
  return { ...result, ...(confirmed && { confirm: confirmed }) };
}

function workFile(ctx: Ctx): string {
  const base = ctx.state.location.kind === 'sqlite' && ctx.state.location.file && ctx.state.location.file !== ':memory:' ? join(ctx.state.location.file, '..') : resolve(ctx.opts.cwd ?? process.cwd(), '.sluice');
  return join(base, 'tmp', `${ctx.runId}.plan.jsonl`);
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const startedAt = new Date();
  const runId = randomUUID();
  let planDoc: PlanDocument | undefined;
  if (opts.command === 'apply') {
    if (!opts.planPath) throw new ConfigError('PLAN_MISSING', 'apply needs a plan file (sluice apply plan.json)');
    planDoc = readPlanFile(resolve(opts.cwd ?? process.cwd(), opts.planPath));
  }
  const pipelinePath = planDoc ? planDoc.pipeline.path : (opts.pipeline?.path ?? opts.pipelinePath);
  if (!pipelinePath) throw new ConfigError('PIPELINE_MISSING', 'no pipeline file given');
  const pipeline = opts.pipeline ?? load(planDoc ? { ...opts, connectionsPath: opts.connectionsPath ?? planDoc.connectionsPath } : opts, pipelinePath);
  if (planDoc && planDoc.pipeline.hash !== pipeline.hash) {
    throw new SluiceError('PLAN_STALE', `the pipeline file ${pipelinePath} changed since the plan was made (plan ${planDoc.pipeline.hash.slice(0, 12)}, now ${pipeline.hash.slice(0, 12)}); nothing was written. Run sluice plan again`);
  }
  const state = opts.state ?? (await openStateStore({ ...(opts.stateUrl !== undefined && { url: opts.stateUrl }), ...(opts.cwd !== undefined && { cwd: opts.cwd }) }));
  const logger = opts.logger.child({ runId, pipeline: pipeline.spec.name });
  const conns = new OpenConnections(pipeline, state, logger, opts.env);
  const ctx: Ctx = { opts, runId, startedAt, pipeline, state, conns, logger };
  const name = pipeline.spec.name;
  const writes = opts.command !== 'plan';
  const leaseTtl = opts.leaseTtlMs ?? 5 * 60_000;
  let renew: NodeJS.Timeout | undefined;
  let spill: Spill | undefined;
  let summary: PlanSummary | undefined;
  let applied: Awaited<ReturnType<typeof apply>> | undefined;
  let failure: SluiceError | undefined;
  let shown: { ops: PlanOp[]; attention: PlanAttention[] } = { ops: [], attention: [] };
  let apiCalls: RunReport['apiCalls'] = {};
  await state.runStart({ id: runId, pipeline: name, command: opts.command, startedAt: startedAt.toISOString() });
  try {
    if (writes) {
      await state.acquireLease(name, runId, leaseTtl, opts.force === true);
      renew = setInterval(() => void state.renewLease(name, runId, leaseTtl).catch(() => undefined), Math.max(1000, leaseTtl / 3));
      renew.unref();
    }
    logger.info({ command: opts.command, state: state.location.display }, `${opts.command} started`);
    if (planDoc) {
      summary = planDoc.summary;
      const target = await conns.target(pipeline.target, pipeline.spec.target.options, targetKeyField(pipeline));
      await checkPlanFresh(planDoc.operations, (keys) => target.lookup(keys));
      shown = { ops: planDoc.operations.slice(0, opts.keepOps ?? 1000), attention: planDoc.attention.slice(0, opts.keepOps ?? 1000) };
      applied = await apply(ctx, planItems(planDoc), planDoc.summary.cursor.to, new Map());
    } else {
      spill = new Spill(workFile(ctx));
      const planned = await plan(ctx, spill);
      spill = planned.spill;
      summary = planned.summary;
      if (opts.command === 'plan') shown = await collect(spill, opts.keepOps ?? 1000);
      if (opts.command === 'plan' && opts.planOut) {
        const header: PlanHeader = {
          format: PLAN_FORMAT,
          createdAt: new Date().toISOString(),
          runId,
          pipeline: { name, path: pipeline.path, hash: pipeline.hash },
          connectionsPath: pipeline.connections.path,
          summary,
        };
        await writePlanFile(resolve(opts.cwd ?? process.cwd(), opts.planOut), header, spill);
      }
      if (opts.command === 'run') {
        applied = await apply(ctx, spill.items({ release: true }), summary.cursor.to, planned.sourceRecords);
        shown = { ops: [], attention: applied.attentionSample };
      }
    }
  } catch (err) {
    failure = asSluiceError(err);
    logger.error({ code: failure.code, err: describeError(failure) }, `${opts.command} failed`);
  } finally {
    if (renew) clearInterval(renew);
    spill?.remove();
    apiCalls = conns.stats();
    await conns.closeAll();
    if (writes && !(failure instanceof LeaseHeldError)) await state.releaseLease(name, runId).catch(() => undefined);
  }
  const attentionCount = writes ? (applied?.attentionKeys.length ?? 0) : (summary?.counts.attention ?? 0);
  const changes = summary ? summary.counts.create + summary.counts.update + summary.counts.delete > 0 : false;
  let exitCode: number = EXIT.ok;
  let status: RunReport['status'] = writes ? 'succeeded' : 'planned';
  if (failure) {
    exitCode = failure instanceof ConfigError ? EXIT.invalid : EXIT.failed;
    status = 'failed';
  } else if (writes && attentionCount > 0) {
    exitCode = EXIT.attention;
    status = 'attention';
  } else if (!writes && changes) exitCode = EXIT.changes;
  const finishedAt = new Date();
  const attentionSample = shown.attention.slice(0, 10).map((a) => ({ sourceKey: a.sourceKey, code: a.code, message: a.message }));
  const report: RunReport = {
    runId,
    pipeline: name,
    command: opts.command,
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    pipelineHash: pipeline.hash,
    ...(summary && { planHash: summary.planHash, targetStateHash: summary.targetStateHash, plan: summary }),
    ...(applied && { apply: applied.counts }),
    ...(applied?.confirm && { confirm: applied.confirm }),
    attention: { count: attentionCount, sample: attentionSample },
    apiCalls,
    ...(failure && { error: { code: failure.code, message: failure.message } }),
    exitCode,
    stateStore: state.location.display,
  };
  await state.runFinish(runId, { status: status === 'planned' ? 'succeeded' : status, exitCode, ...(summary && { planHash: summary.planHash }), report }).catch(() => undefined);
  if (!opts.state) await state.close();
  logger.info({ exitCode, status, durationMs: report.durationMs }, `${opts.command} finished`);
  return { report, exitCode, diagnostics: [], ...shown };
}

export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : rel;
}
