/** Run history: one row per plan/apply/run invocation, with its report. */
import { hostname } from 'node:os';
import type { Knex } from 'knex';

const TABLE = 'sluice_runs';

export const RUN_STATUSES = ['running', 'succeeded', 'attention', 'failed', 'interrupted', 'abandoned'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRow {
  id: string;
  pipeline: string;
  command: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  planHash: string | null;
  exitCode: number | null;
  report: unknown;
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
    host: hostname(),
    pid: process.pid,
  });
}

export async function runFinish(
  knex: Knex,
  id: string,
  result: { status: RunStatus; exitCode: number; planHash?: string; report: unknown },
): Promise<void> {
  await knex(TABLE)
    .where({ id })
    .update({
      status: result.status,
      exit_code: result.exitCode,
      plan_hash: result.planHash ?? null,
      finished_at: new Date().toISOString(),
      report: JSON.stringify(result.report),
    });
}

export async function runList(knex: Knex, pipeline: string | undefined, limit = 20): Promise<RunRow[]> {
  let q = knex(TABLE).select('*').orderBy('started_at', 'desc').limit(limit);
  if (pipeline) q = q.where({ pipeline });
  const rows = (await q) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    pipeline: String(r.pipeline),
    command: String(r.command),
    status: r.status as RunStatus,
    startedAt: String(r.started_at),
    finishedAt: (r.finished_at as string | null) ?? null,
    planHash: (r.plan_hash as string | null) ?? null,
    exitCode: r.exit_code === null || r.exit_code === undefined ? null : Number(r.exit_code),
    report: typeof r.report === 'string' ? (JSON.parse(r.report) as unknown) : null,
  }));
}
