/** Sealed plans awaiting four-eyes approval, and what became of them (migration 0011). */
import type { Knex } from 'knex';
import type { PlanCounts } from '../plan/types.js';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'applied'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface ApprovalRow {
  id: number;
  pipeline: string;
  planRunId: string;
  planHash: string;
  planPath: string;
  counts: PlanCounts;
  author: string;
  createdAt: string;
  status: ApprovalStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  appliedRunId: string | null;
  appliedAt: string | null;
}

interface Row {
  id: number | string;
  pipeline: string;
  plan_run_id: string;
  plan_hash: string;
  plan_path: string;
  summary: string;
  author: string;
  created_at: string;
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
  applied_run_id: string | null;
  applied_at: string | null;
}

const TABLE = 'sluice_plan_approvals';

const toRow = (r: Row): ApprovalRow => ({
  id: Number(r.id),
  pipeline: r.pipeline,
  planRunId: r.plan_run_id,
  planHash: r.plan_hash,
  planPath: r.plan_path,
  counts: JSON.parse(r.summary) as PlanCounts,
  author: r.author,
  createdAt: r.created_at,
  status: r.status as ApprovalStatus,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  comment: r.comment,
  appliedRunId: r.applied_run_id,
  appliedAt: r.applied_at,
});

export async function approvalInsert(
  knex: Knex,
  a: {
    pipeline: string;
    planRunId: string;
    planHash: string;
    planPath: string;
    counts: PlanCounts;
    author: string;
    at: string;
  },
): Promise<number> {
  const [id] = (await knex(TABLE).insert({
    pipeline: a.pipeline,
    plan_run_id: a.planRunId,
    plan_hash: a.planHash,
    plan_path: a.planPath,
    summary: JSON.stringify(a.counts),
    author: a.author,
    created_at: a.at,
    status: 'pending',
  })) as (number | string)[];
  if (id !== undefined) return Number(id);
  const row = (await knex(TABLE).where({ plan_run_id: a.planRunId }).first()) as Row;
  return Number(row.id);
}

export async function approvalGet(knex: Knex, id: number): Promise<ApprovalRow | undefined> {
  const r = (await knex(TABLE).where({ id }).first()) as Row | undefined;
  return r ? toRow(r) : undefined;
}

export async function approvalByPlan(knex: Knex, planRunId: string): Promise<ApprovalRow | undefined> {
  const r = (await knex(TABLE).where({ plan_run_id: planRunId }).first()) as Row | undefined;
  return r ? toRow(r) : undefined;
}

export async function approvalList(
  knex: Knex,
  q: { statuses?: readonly ApprovalStatus[]; pipeline?: string; limit?: number } = {},
): Promise<ApprovalRow[]> {
  let query = knex(TABLE)
    .orderBy('id', 'desc')
    .limit(q.limit ?? 200);
  if (q.statuses) query = query.whereIn('status', [...q.statuses]);
  if (q.pipeline !== undefined) query = query.where({ pipeline: q.pipeline });
  return ((await query) as Row[]).map(toRow);
}

/** Moves a row from `from` to a decision; false when it was not in `from` any more (decided meanwhile). */
export async function approvalDecide(
  knex: Knex,
  id: number,
  from: ApprovalStatus,
  to: { status: ApprovalStatus; by: string; at: string; comment: string | null },
): Promise<boolean> {
  const n = await knex(TABLE)
    .where({ id, status: from })
    .update({ status: to.status, decided_by: to.by, decided_at: to.at, comment: to.comment });
  return n > 0;
}

export async function approvalMarkApplied(knex: Knex, planRunId: string, runId: string, at: string): Promise<void> {
  await knex(TABLE)
    .where({ plan_run_id: planRunId, status: 'approved' })
    .update({ status: 'applied', applied_run_id: runId, applied_at: at });
}
