/**
 * Four-eyes approval in the run path. A pipeline with `approval: required`: `run` (and the
 * scheduler) plans and saves the sealed plan for approval instead of applying it; `apply` of one
 * of its plans is refused unless that very plan (run id and plan hash) was approved. Once applied,
 * the approval is marked so it cannot be applied again.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { actor } from '../ops/actor.js';
import { plansDir, submitPlan } from '../ops/approvals.js';
import { isoNow } from '../runtime/clock.js';
import { approvalByPlan, approvalMarkApplied } from '../state/approvals.js';
import type { StateStore } from '../state/store.js';
import type { SessionOptions } from './context.js';
import type { PlanHeader } from './plan-file/document.js';
import { EXIT } from './report.js';
import type { SessionResult } from './session.js';

export async function requireApproval(state: StateStore, header: PlanHeader): Promise<void> {
  const a = await approvalByPlan(state.knex, header.runId);
  const how = 'an approver who did not make it approves it on the finance page or with sluice plans approve';
  if (!a)
    throw new ConfigError(
      'PLAN_NOT_APPROVED',
      `pipeline ${header.pipeline.name} requires approval and this plan was never submitted: sluice plans submit <plan.json>, then ${how}`,
    );
  if (a.planHash !== header.summary.planHash)
    throw new ConfigError('PLAN_TAMPERED', `the plan is not the one submitted as plan ${a.id}; make a new plan`);
  if (a.status !== 'approved')
    throw new ConfigError(
      'PLAN_NOT_APPROVED',
      a.status === 'pending'
        ? `plan ${a.id} of ${header.pipeline.name} awaits approval: ${how}`
        : `plan ${a.id} of ${header.pipeline.name} is ${a.status}${a.status === 'rejected' ? ` (${a.comment ?? 'no comment'})` : ''}; it cannot be applied`,
    );
}

export async function markApplied(state: StateStore, header: PlanHeader, runId: string): Promise<void> {
  await approvalMarkApplied(state.knex, header.runId, runId, isoNow(state.clock));
}

/**
 * `run` of a pipeline with `approval: required`: plan, save the sealed plan in the plans directory
 * and submit it for approval; nothing is applied. A plan without changes is not submitted.
 */
export async function planForApproval(
  state: StateStore,
  opts: SessionOptions,
  runId: string,
  pipeline: string,
  plan: (planOut: string) => Promise<SessionResult>,
): Promise<SessionResult> {
  const dir = plansDir(state, opts.env, opts.cwd);
  mkdirSync(dir, { recursive: true });
  const planOut = join(dir, `${pipeline}-${runId}.plan.json`);
  const result = await plan(planOut);
  const c = result.report.plan?.counts;
  const changes = c ? c.create + c.update + c.delete + c.forget + c.correct : 0;
  if (result.report.error || changes === 0) {
    rmSync(planOut, { force: true });
    return result;
  }
  const by = opts.actor ?? (opts.trigger === 'schedule' ? 'scheduler' : actor(undefined, opts.env));
  const approval = await submitPlan(state, { planPath: planOut, by });
  opts.logger.info({ plan: approval.id, planPath: planOut }, 'approval required: plan saved for approval');
  return {
    ...result,
    report: { ...result.report, approval: { id: approval.id, planPath: planOut } },
    exitCode: EXIT.ok,
  };
}
