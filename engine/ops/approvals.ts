/**
 * Four-eyes approval of sealed plans, for `sluice plans` and the finance page alike: a plan saved
 * with `sluice plan --out` (or by `run`/the scheduler for a pipeline with `approval: required`) is
 * submitted; an approver who is not its author approves or rejects it with a comment; only an
 * approved plan of such a pipeline is applied (engine/run/approval-gate.ts refuses the others).
 * Every decision is in the audit trail. The plan file is verified (seal, schema) whenever it is
 * shown or decided on, so a file changed after submission is refused, not approved.
 */
import { dirname, join, resolve } from 'node:path';
import { audit } from '../auth/audit.js';
import { ConfigError } from '../errors.js';
import type { PlanAttention, PlanOp } from '../plan/types.js';
import { isoNow } from '../runtime/clock.js';
import type { PlanHeader } from '../run/plan-file/document.js';
import { readPlanFile } from '../run/plan-file/read.js';
import {
  approvalByPlan,
  approvalDecide,
  approvalGet,
  approvalInsert,
  approvalList,
  type ApprovalRow,
  type ApprovalStatus,
} from '../state/approvals.js';
import type { StateStore } from '../state/store.js';

export type { ApprovalRow, ApprovalStatus };

/** Where plans awaiting approval are saved: SLUICE_PLANS_DIR, else `plans/` beside an SQLite store, else .sluice/plans. */
export function plansDir(state: StateStore, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.SLUICE_PLANS_DIR) return resolve(cwd, env.SLUICE_PLANS_DIR);
  const loc = state.location;
  if (loc.kind === 'sqlite' && loc.file && loc.file !== ':memory:') return join(dirname(loc.file), 'plans');
  return resolve(cwd, '.sluice', 'plans');
}

function parseId(id: string | number): number {
  const n = typeof id === 'number' ? id : Number(String(id).replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError('PLAN_APPROVAL_UNKNOWN', `"${id}" is not a plan id (see sluice plans list)`);
  return n;
}

async function get(state: StateStore, id: string | number): Promise<ApprovalRow> {
  const n = parseId(id);
  const row = await approvalGet(state.knex, n);
  if (!row) throw new ConfigError('PLAN_APPROVAL_UNKNOWN', `there is no plan ${n} (see sluice plans list)`);
  return row;
}

/** Records a saved plan as awaiting approval (idempotent for the same plan). */
export async function submitPlan(
  state: StateStore,
  input: { planPath: string; by: string; cwd?: string },
): Promise<ApprovalRow> {
  const path = resolve(input.cwd ?? process.cwd(), input.planPath);
  const doc = await readPlanFile(path, state.planSealKey());
  const header = doc.header;
  doc.dispose();
  const existing = await approvalByPlan(state.knex, header.runId);
  if (existing) return existing;
  const id = await approvalInsert(state.knex, {
    pipeline: header.pipeline.name,
    planRunId: header.runId,
    planHash: header.summary.planHash,
    planPath: path,
    counts: header.summary.counts,
    author: input.by,
    at: isoNow(state.clock),
  });
  await audit(state, { action: 'plan-submit', by: input.by, pipeline: header.pipeline.name, detail: { plan: id } });
  return get(state, id);
}

export function listPlans(
  state: StateStore,
  q: { statuses?: readonly ApprovalStatus[]; pipeline?: string; limit?: number } = {},
): Promise<ApprovalRow[]> {
  return approvalList(state.knex, q);
}

export interface PlanReview {
  approval: ApprovalRow;
  header: PlanHeader;
  /** The changing operations (create, update, delete, correct, locked, in-doubt), first `limit`. */
  operations: PlanOp[];
  attention: PlanAttention[];
  truncated: boolean;
}

/** A plan for review, record by record, read from its verified file. */
export async function reviewPlan(state: StateStore, id: string | number, limit = 500): Promise<PlanReview> {
  const approval = await get(state, id);
  const doc = await readPlanFile(approval.planPath, state.planSealKey());
  try {
    checkSame(approval, doc.header);
    const operations: PlanOp[] = [];
    const attention: PlanAttention[] = [];
    let truncated = false;
    for await (const item of doc.items()) {
      if (item.t === 'op' && item.op.op === 'noop') continue;
      if (operations.length + attention.length >= limit) {
        truncated = true;
        break;
      }
      if (item.t === 'op') operations.push(item.op);
      else attention.push(item.att);
    }
    return { approval, header: doc.header, operations, attention, truncated };
  } finally {
    doc.dispose();
  }
}

function checkSame(approval: ApprovalRow, header: PlanHeader): void {
  if (header.runId !== approval.planRunId || header.summary.planHash !== approval.planHash)
    throw new ConfigError(
      'PLAN_TAMPERED',
      `${approval.planPath}: the file is not the plan submitted as ${approval.id} (it was replaced); reject it and make a new plan`,
    );
}

export interface Decision {
  id: string | number;
  by: string;
  comment?: string;
}

export async function approvePlan(state: StateStore, d: Decision): Promise<ApprovalRow> {
  const approval = await get(state, d.id);
  if (approval.status !== 'pending')
    throw new ConfigError(
      'PLAN_APPROVAL_DECIDED',
      `plan ${approval.id} is ${approval.status} already; nothing changed`,
    );
  if (approval.author === d.by)
    throw new ConfigError(
      'PLAN_APPROVER_IS_AUTHOR',
      `${d.by} made plan ${approval.id} and so may not approve it: a second person must (four-eyes)`,
    );
  const doc = await readPlanFile(approval.planPath, state.planSealKey());
  try {
    checkSame(approval, doc.header);
  } finally {
    doc.dispose();
  }
  return decide(state, approval, 'approved', d);
}

export async function rejectPlan(state: StateStore, d: Decision): Promise<ApprovalRow> {
  const approval = await get(state, d.id);
  if (approval.status !== 'pending')
    throw new ConfigError(
      'PLAN_APPROVAL_DECIDED',
      `plan ${approval.id} is ${approval.status} already; nothing changed`,
    );
  if ((d.comment ?? '').trim() === '')
    throw new ConfigError(
      'PLAN_COMMENT_MISSING',
      'say why the plan is rejected (a comment); it is kept in the audit trail',
    );
  return decide(state, approval, 'rejected', d);
}

async function decide(state: StateStore, a: ApprovalRow, status: 'approved' | 'rejected', d: Decision) {
  const comment = d.comment?.trim() ? d.comment.trim().slice(0, 2000) : null;
  const ok = await approvalDecide(state.knex, a.id, 'pending', { status, by: d.by, at: isoNow(state.clock), comment });
  if (!ok) throw new ConfigError('PLAN_APPROVAL_DECIDED', `plan ${a.id} was decided meanwhile; nothing changed`);
  await audit(state, {
    action: status === 'approved' ? 'plan-approve' : 'plan-reject',
    by: d.by,
    pipeline: a.pipeline,
    detail: { plan: a.id, ...(comment !== null && { comment }) },
  });
  return get(state, a.id);
}
