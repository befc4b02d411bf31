/**
 * Run history: one row per plan/apply/run invocation, with its report.
 *
 * Statuses: `running` until the run finishes; then `succeeded`, `attention` (records need it),
 * `failed`, `interrupted` (a signal stopped it at a batch boundary), or `abandoned`: the process
 * died while the row said `running` (kill -9, a crash, a lost machine). The next run of the
 * pipeline marks those once it holds the lease (`markAbandonedRuns`).
 */
import type { Knex } from 'knex';
import { systemClock, type Clock } from '../runtime/clock.js';
import { processGone, thisHost } from './process.js';

const TABLE = 'sluice_runs';

export const RUN_STATUSES = ['running', 'succeeded', 'attention', 'failed', 'interrupted', 'abandoned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Commands that write (and so hold the pipeline's lease while they run). */
export const WRITER_COMMANDS: readonly string[] = ['run', 'apply'];

export interface RunRow {
  id: string;
  pipeline: string;
  command: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  planHash: string | null;
  exitCode: number | null;
  host: string | null;
  pid: number | null;
  /** sha256 of the pipeline file the run used. */
  pipelineHash: string | null;
  /** The git commit that last changed the pipeline file, when known. */
  gitCommit: string | null;
  durationMs: number | null;
  report: unknown;
}

/** What a finished run records besides its report. */
export interface RunResult {
  status: RunStatus;
  exitCode: number;
  planHash?: string;
  pipelineHash?: string;
  gitCommit?: string;
  durationMs?: number;
  /** When it finished (default: now on the store's clock). */
  finishedAt?: string;
  report: unknown;
}

/** What an abandoned run's report says: why it cannot be running, and which run found out. */
export interface AbandonedReport {
  abandoned: { reason: 'process-gone' | 'not-lease-holder'; by: string; at: string };
}

export async function runStart(
  knex: Knex,
  run: { id: string; pipeline: string; command: string; startedAt: string },
): Promise<void> {
  await knex(TABLE).insert({
    id: run.id,
    pipeline: run.pipeline,
    command: run.command,
    status: 'running',
    started_at: run.startedAt,
    host: thisHost(),
    pid: process.pid,
  });
}

export async function runFinish(knex: Knex, id: string, result: RunResult, clock: Clock = systemClock): Promise<void> {
  await knex(TABLE)
    .where({ id })
    .update({
      status: result.status,
      exit_code: result.exitCode,
      plan_hash: result.planHash ?? null,
      pipeline_hash: result.pipelineHash ?? null,
      git_commit: result.gitCommit ?? null,
      duration_ms: result.durationMs ?? null,
      finished_at: result.finishedAt ?? new Date(clock.now()).toISOString(),
      report: JSON.stringify(result.report),
    });
}

/**
 * Marks `abandoned` every `running` run of `pipeline` that cannot be running any more, and returns
 * them: a writer (run, apply) other than `currentRunId` — the caller holds the pipeline's lease, and
 * a live writer would hold it — and any run on this host whose process is gone. Call it after
 * taking the lease. A run marked by mistake (one that had not reached the lease yet) overwrites the
 * mark when it finishes.
 */
export async function markAbandonedRuns(
  knex: Knex,
  pipeline: string,
  currentRunId: string,
  clock: Clock = systemClock,
): Promise<RunRow[]> {
  const rows = (await knex(TABLE).where({ pipeline, status: 'running' }).whereNot({ id: currentRunId })) as Record<
    string,
    unknown
  >[];
  const at = new Date(clock.now()).toISOString();
  const marked: RunRow[] = [];
  for (const r of rows.map(toRun)) {
    const reason = processGone(r.host, r.pid)
      ? 'process-gone'
      : WRITER_COMMANDS.includes(r.command)
        ? 'not-lease-holder'
        : undefined;
    if (!reason) continue;
    const report: AbandonedReport = { abandoned: { reason, by: currentRunId, at } };
    // Only if it still says running: a run that finished meanwhile keeps its own status.
    const n = await knex(TABLE)
      .where({ id: r.id, status: 'running' })
      .update({ status: 'abandoned', finished_at: at, report: JSON.stringify(report) });
    if (n === 1) marked.push({ ...r, status: 'abandoned', finishedAt: at, report });
  }
  return marked;
}

export async function runList(knex: Knex, pipeline: string | undefined, limit = 20): Promise<RunRow[]> {
  let q = knex(TABLE).select('*').orderBy('started_at', 'desc').limit(limit);
  if (pipeline) q = q.where({ pipeline });
  const rows = (await q) as Record<string, unknown>[];
  return rows.map(toRun);
}

/** When a run of `pipeline` last finished `succeeded` or `attention` (its records were synced or parked), if ever. */
export async function lastSuccessAt(knex: Knex, pipeline: string): Promise<string | undefined> {
  const row = (await knex(TABLE)
    .where({ pipeline })
    .whereIn('status', ['succeeded', 'attention'])
    .whereIn('command', WRITER_COMMANDS)
    .max({ at: 'finished_at' })
    .first()) as { at: string | null } | undefined;
  return row?.at ?? undefined;
}

function toRun(r: Record<string, unknown>): RunRow {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(r.id),
    pipeline: String(r.pipeline),
    command: String(r.command),
    status: r.status as RunStatus,
    startedAt: String(r.started_at),
    finishedAt: (r.finished_at as string | null) ?? null,
    planHash: (r.plan_hash as string | null) ?? null,
    exitCode: num(r.exit_code),
    host: (r.host as string | null) ?? null,
    pid: num(r.pid),
    pipelineHash: (r.pipeline_hash as string | null | undefined) ?? null,
    gitCommit: (r.git_commit as string | null | undefined) ?? null,
    durationMs: num(r.duration_ms),
    report: typeof r.report === 'string' ? (JSON.parse(r.report) as unknown) : null,
  };
}
