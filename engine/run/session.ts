/**
 * One construction path for plan, run and apply: load and validate the pipeline, open the state
 * store and connections, plan into a spill (streaming), then — for run and apply — apply that
 * spill. A dry run classifies exactly as a live run does because it is the same code.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ConfigError, InvalidPipelineError, SluiceError, asSluiceError, describeError } from '../errors.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { loadPipeline, type LoadedPipeline } from '../config/pipeline.js';
import { Spill } from '../plan/spill.js';
import type { PlanAttention, PlanOp, PlanSummary } from '../plan/types.js';
import { LeaseHeldError } from '../state/lease.js';
import { openStateStore } from '../state/store.js';
import { OpenConnections } from './open.js';
import { apply } from './apply-phase.js';
import { targetKeyField, type Ctx, type SessionOptions } from './context.js';

export { COMMANDS, type Command, type SessionOptions } from './context.js';
import { collect, plan } from './plan-phase.js';
import {
  planItems,
  readPlanFile,
  writePlanFile,
  type PlanDocument,
  type PlanHeader,
  PLAN_FORMAT,
} from './plan-file.js';
import type { RunReport } from './report.js';
import { checkPlanFresh } from './stale.js';

export const EXIT = { ok: 0, failed: 1, invalid: 2, attention: 3, changes: 4 } as const;

export interface SessionResult {
  report: RunReport;
  exitCode: number;
  diagnostics: Diagnostic[];
  /** The first `keepOps` operations and attention entries, for printing. */
  ops: PlanOp[];
  attention: PlanAttention[];
}

export { InvalidPipelineError };

function load(opts: SessionOptions, path: string): LoadedPipeline {
  const r = loadPipeline(path, {
    registry: opts.registry,
    ...(opts.connectionsPath !== undefined && { connectionsPath: opts.connectionsPath }),
    ...(opts.cwd !== undefined && { cwd: opts.cwd }),
    ...(opts.env !== undefined && { env: opts.env }),
  });
  if (!r.pipeline) throw new InvalidPipelineError(r.diagnostics);
  return r.pipeline;
}

function workFile(ctx: Ctx): string {
  const base =
    ctx.state.location.kind === 'sqlite' && ctx.state.location.file && ctx.state.location.file !== ':memory:'
      ? join(ctx.state.location.file, '..')
      : resolve(ctx.opts.cwd ?? process.cwd(), '.sluice');
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
  const pipeline =
    opts.pipeline ??
    load(planDoc ? { ...opts, connectionsPath: opts.connectionsPath ?? planDoc.connectionsPath } : opts, pipelinePath);
  if (planDoc && planDoc.pipeline.hash !== pipeline.hash) {
    throw new SluiceError(
      'PLAN_STALE',
      `the pipeline file ${pipelinePath} changed since the plan was made (plan ${planDoc.pipeline.hash.slice(0, 12)}, now ${pipeline.hash.slice(0, 12)}); nothing was written. Run sluice plan again`,
    );
  }
  const state =
    opts.state ??
    (await openStateStore({
      ...(opts.stateUrl !== undefined && { url: opts.stateUrl }),
      ...(opts.cwd !== undefined && { cwd: opts.cwd }),
    }));
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
      renew = setInterval(
        () => void state.renewLease(name, runId, leaseTtl).catch(() => undefined),
        Math.max(1000, leaseTtl / 3),
      );
      renew.unref();
    }
    logger.info({ command: opts.command, state: state.location.display }, `${opts.command} started`);
    if (planDoc) {
      summary = planDoc.summary;
      const target = await conns.target(pipeline.target, pipeline.spec.target.options, targetKeyField(pipeline));
      await checkPlanFresh(planDoc.operations, (keys) => target.lookup(keys));
      shown = {
        ops: planDoc.operations.slice(0, opts.keepOps ?? 1000),
        attention: planDoc.attention.slice(0, opts.keepOps ?? 1000),
      };
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
  const attentionSample = shown.attention
    .slice(0, 10)
    .map((a) => ({ sourceKey: a.sourceKey, code: a.code, message: a.message }));
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
  await state
    .runFinish(runId, {
      status: status === 'planned' ? 'succeeded' : status,
      exitCode,
      ...(summary && { planHash: summary.planHash }),
      report,
    })
    .catch(() => undefined);
  if (!opts.state) await state.close();
  logger.info({ exitCode, status, durationMs: report.durationMs }, `${opts.command} finished`);
  return { report, exitCode, diagnostics: [], ...shown };
}
