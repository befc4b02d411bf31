/**
 * One construction path for plan, run and apply, as a straight line:
 *   load (pipeline, or a verified plan file) → lease → settle creates left in doubt → plan (from the
 *   source, or the saved plan checked against now) → apply → report.
 * A dry run classifies exactly as a live run does because it is the same code; only `writes` differs.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { loadPipeline, type LoadedPipeline } from '../config/pipeline.js';
import {
  InvalidPipelineError,
  LeaseHeldError,
  LeaseLostError,
  SluiceError,
  asSluiceError,
  describeError,
} from '../errors.js';
import type { PlanAttention, PlanCounts, PlanOp } from '../plan/types.js';
import { isoNow, systemClock } from '../runtime/clock.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { apply, type ApplyPhaseResult } from './apply-phase.js';
import { openTarget, type Ctx, type SessionOptions } from './context.js';
import { OpenConnections } from './open.js';
import { logRetentionMs } from './log-retention.js';
import { collect, plan, type PlannedRun } from './plan-phase.js';
import { PLAN_FORMAT } from './plan-file/document.js';
import { readPlanFile, type VerifiedPlan } from './plan-file/read.js';
import { writePlanFile } from './plan-file/write.js';
import { gitProvenance, type FileProvenance } from './provenance.js';
import { EXIT, statusOf, type RunReport } from './report.js';
import { planResync, savedResync } from './resync-phase.js';
import { settle, type Settled } from './settle-phase.js';
import { checkPlanFits, checkTargetUnchanged } from './stale.js';
import { markApplied, planForApproval, requireApproval } from './approval-gate.js';

export { COMMANDS, type Command, type FinishedRun, type SessionOptions, type SessionSubject } from './context.js';
export { EXIT } from './report.js';
export { InvalidPipelineError };

export interface SessionResult {
  report: RunReport;
  exitCode: number;
  /** The first `keepOps` operations and attention entries, for printing. */
  ops: PlanOp[];
  attention: PlanAttention[];
  /** How many there are in all (the lists above may be cut). */
  totals: { ops: number; attention: number };
  /** What a mirror delete does in this pipeline (for the plan's wording). */
  deleteAction: 'delete' | 'deactivate';
}

const DEFAULT_LEASE_TTL_MS = 5 * 60_000;

function loadFrom(opts: SessionOptions, path: string, connectionsPath?: string): LoadedPipeline {
  const conns = opts.connectionsPath ?? connectionsPath;
  const r = loadPipeline(path, {
    registry: opts.registry,
    ...(conns !== undefined && { connectionsPath: conns }),
    ...(opts.cwd !== undefined && { cwd: opts.cwd }),
    ...(opts.env !== undefined && { env: opts.env }),
  });
  if (!r.pipeline) throw new InvalidPipelineError(r.diagnostics);
  return r.pipeline;
}

const writesOf = (c: PlanCounts): number => c.create + c.update + c.delete + c.correct;

/** Where a run's spill file goes: beside an embedded SQLite store, else in $TMPDIR, never the working directory. */
function spillPath(state: StateStore, runId: string): string {
  const loc = state.location;
  const base = loc.kind === 'sqlite' && loc.file && loc.file !== ':memory:' ? join(loc.file, '..', 'tmp') : tmpdir();
  return join(base, `sluice-${runId}.plan.jsonl`);
}

export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const runId = randomUUID();
  const writes = opts.command !== 'plan';
  const cwd = opts.cwd ?? process.cwd();
  logRetentionMs(opts.env ?? process.env); // a bad SLUICE_LOG_RETENTION is refused before anything runs
  const state =
    opts.state ??
    (await openStateStore({
      ...(opts.stateUrl !== undefined && { url: opts.stateUrl }),
      ...(opts.cwd !== undefined && { cwd }),
    }));
  try {
    const subject = opts.subject;
    const doc =
      subject.kind === 'plan-file' ? await readPlanFile(resolve(cwd, subject.path), state.planSealKey()) : undefined;
    try {
      const pipeline =
        subject.kind === 'pipeline'
          ? subject.pipeline
          : doc
            ? loadFrom(opts, doc.header.pipeline.path, doc.header.connectionsPath)
            : loadFrom(opts, (subject as { path: string }).path);
      if (opts.command === 'run' && !doc && pipeline.spec.approval === 'required')
        return await planForApproval(state, opts, runId, pipeline.spec.name, (planOut) =>
          session({ ...opts, command: 'plan', planOut }, { runId, startedAt, writes: false, pipeline, state, doc }),
        );
      return await session(opts, { runId, startedAt, writes, pipeline, state, doc });
    } finally {
      doc?.dispose();
    }
  } finally {
    if (!opts.state) await state.close();
  }
}

interface Prepared {
  runId: string;
  startedAt: number;
  writes: boolean;
  pipeline: LoadedPipeline;
  state: StateStore;
  doc: VerifiedPlan | undefined;
}

async function session(opts: SessionOptions, p: Prepared): Promise<SessionResult> {
  const { runId, pipeline, state, writes, doc } = p;
  const clock = opts.clock ?? systemClock;
  const name = pipeline.spec.name;
  const logger = opts.logger.child({ runId, pipeline: name });
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const conns = new OpenConnections(pipeline, state, logger, opts.env, opts.clock);
  const ctx: Ctx = {
    opts,
    command: opts.command,
    runId,
    pipeline,
    state,
    conns,
    logger,
    clock,
    signal: stop.signal,
    writes,
  };
  const leaseTtl = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  let renew: NodeJS.Timeout | undefined;
  let leaseHeld = false;
  let built: PlannedRun | undefined;
  let settled: Settled | undefined;
  let applied: ApplyPhaseResult | undefined;
  let failure: SluiceError | undefined;
  let shown: { ops: PlanOp[]; attention: PlanAttention[]; opsTotal: number; attentionTotal: number } = {
    ops: [],
    attention: [],
    opsTotal: 0,
    attentionTotal: 0,
  };
  let apiCalls: RunReport['apiCalls'] = {};
  // Asked of git while the run works (a file loaded by `sluice test` is not asked about).
  const provenance: Promise<FileProvenance | undefined> =
    opts.subject.kind === 'pipeline' ? Promise.resolve(undefined) : gitProvenance(pipeline.path);
  await state.runStart({
    id: runId,
    pipeline: name,
    command: opts.command,
    startedAt: new Date(p.startedAt).toISOString(),
  });
  try {
    // The secret key seals plans and credentials: a missing one stops the run before any system is contacted.
    state.requireSecretKey();
    if (writes) {
      await state.acquireLease(name, runId, leaseTtl, opts.force === true);
      leaseHeld = true;
      const abandoned = await state.runMarkAbandoned(name, runId);
      if (abandoned.length > 0)
        logger.warn(
          { runs: abandoned.map((r) => r.id) },
          `marked ${abandoned.length} run(s) left running by a process that died as abandoned`,
        );
      renew = setInterval(
        () => {
          state.renewLease(name, runId, leaseTtl).then(
            (held) => {
              if (!held) stop.abort(new LeaseLostError(name, runId, 'another run took it over'));
            },
            (err: unknown) => stop.abort(new LeaseLostError(name, runId, `renewing it failed: ${describeError(err)}`)),
          );
        },
        Math.max(1000, leaseTtl / 3),
      );
      renew.unref();
    }
    logger.info({ command: opts.command, state: state.location.display }, `${opts.command} started`);
    if (doc && pipeline.spec.approval === 'required') await requireApproval(state, doc.header);
    if (doc) await checkPlanFits(doc, pipeline, await state.pipelineVersion(name));
    const basis = await state.pipelineVersion(name);
    settled = await settle(ctx);
    if (doc) {
      const { view } = await openTarget(ctx);
      await checkTargetUnchanged(doc.operations(), view);
      shown = await collect(doc.items(), opts.keepOps ?? 1000);
      applied = await apply(
        ctx,
        {
          items: doc.items(),
          writes: writesOf(doc.header.summary.counts),
          cursorTo: doc.header.summary.cursor.to,
          ...(doc.header.summary.cursor.toKey !== undefined && { cursorKeyTo: doc.header.summary.cursor.toKey }),
          sourceRecords: new Map(),
          ...(doc.header.resync && { resync: await savedResync(state, name, doc.header.resync) }),
        },
        settled.settledKeys,
      );
    } else {
      built = await plan(ctx, spillPath(state, runId), settled);
      if (opts.command === 'plan') shown = await collect(built.items.items(), opts.keepOps ?? 1000);
      if (opts.command === 'plan' && opts.planOut) {
        const header = {
          format: PLAN_FORMAT,
          createdAt: isoNow(clock),
          runId,
          pipeline: { name, path: pipeline.path, hash: pipeline.hash },
          connectionsPath: pipeline.connections.path,
          stateStore: state.location.display,
          basis,
          summary: built.summary,
          settlement: built.settlement,
          ...(built.resync.requests.length > 0 && { resync: planResync(built.resync, built.forcedSeen) }),
        } as const;
        await writePlanFile(
          resolve(opts.cwd ?? process.cwd(), opts.planOut),
          header,
          built.items.items(),
          state.planSealKey(),
        );
      }
      if (opts.command === 'run') {
        applied = await apply(
          ctx,
          {
            items: built.items.items({ release: true }),
            writes: writesOf(built.summary.counts),
            cursorTo: built.summary.cursor.to,
            ...(built.summary.cursor.toKey !== undefined && { cursorKeyTo: built.summary.cursor.toKey }),
            sourceRecords: built.sourceRecords,
            ...(built.completeRead && { stillUnreadable: built.rejectedKeys }),
            resync: { work: built.resync, seen: built.forcedSeen },
          },
          settled.settledKeys,
        );
        shown = {
          ops: [],
          attention: [...applied.attentionSample],
          opsTotal: 0,
          attentionTotal: applied.counts.attention,
        };
      }
    }
    if (doc && applied) await markApplied(state, doc.header, runId);
    if (applied?.stopped) failure = applied.stopped;
  } catch (err) {
    // A stop (signal, lost lease) may surface as a connector's abort error: report the reason itself.
    const reason: unknown = stop.signal.reason;
    failure =
      stop.signal.aborted && reason instanceof SluiceError && !(err instanceof SluiceError)
        ? reason
        : asSluiceError(err);
  } finally {
    if (renew) clearInterval(renew);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    built?.items.remove();
    apiCalls = conns.stats();
    await conns.closeAll();
    if (leaseHeld && !(failure instanceof LeaseLostError)) {
      await state
        .releaseLease(name, runId)
        .catch((err: unknown) =>
          logger.warn({ err: describeError(err) }, 'releasing the lease failed; it expires by itself'),
        );
    }
  }
  if (failure) logger.error({ code: failure.code, err: describeError(failure) }, `${opts.command} failed`);
  const summary = doc?.header.summary ?? built?.summary;
  const outcome = statusOf({ writes, failure, plan: summary, apply: applied?.counts });
  const { status } = outcome;
  const exitCode =
    outcome.exitCode === EXIT.changes && opts.detailedExitcode === false && !writes ? EXIT.ok : outcome.exitCode;
  const finishedAt = clock.now();
  const attentionCount = writes ? (applied?.counts.attention ?? 0) : (summary?.counts.attention ?? 0);
  const report: RunReport = {
    runId,
    pipeline: name,
    command: opts.command,
    status,
    startedAt: new Date(p.startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: finishedAt - p.startedAt,
    pipelineHash: pipeline.hash,
    pipelineFile: { path: pipeline.path, ...(await provenance) },
    ...(summary && { planHash: summary.planHash, targetStateHash: summary.targetStateHash, plan: summary }),
    ...(settled && {
      settled: {
        found: settled.settlement.found.size,
        absent: settled.settlement.absent.size,
        waiting: settled.settlement.waiting.size,
      },
    }),
    ...(applied && { apply: applied.counts }),
    ...(applied?.confirm && { confirm: applied.confirm }),
    attention: {
      count: attentionCount,
      sample: shown.attention.slice(0, 10).map((a) => ({ sourceKey: a.sourceKey, code: a.code, message: a.message })),
    },
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
      pipelineHash: pipeline.hash,
      ...(report.pipelineFile.commit !== undefined && { gitCommit: report.pipelineFile.commit }),
      durationMs: report.durationMs,
      finishedAt: report.finishedAt,
      report,
    })
    .catch((err: unknown) => logger.warn({ err: describeError(err) }, 'recording the run report failed'));
  logger.info({ exitCode, status, durationMs: report.durationMs }, `${opts.command} finished`);
  if (opts.onFinished)
    await opts
      .onFinished({ report, pipeline, state })
      .catch((err: unknown) => logger.warn({ err: describeError(err) }, 'after-run hook failed'));
  if (failure instanceof LeaseHeldError) logger.debug({ holder: failure.held }, 'lease held');
  return {
    report,
    exitCode,
    ops: shown.ops,
    attention: shown.attention,
    totals: { ops: shown.opsTotal, attention: shown.attentionTotal },
    deleteAction:
      pipeline.spec.target.mode === 'mirror' ? (pipeline.spec.target.deletes?.action ?? 'deactivate') : 'delete',
  };
}
