/**
 * Four-eyes approval through real sessions, on SQLite and MariaDB: a pipeline with `approval:
 * required` saves a sealed plan instead of applying it; apply refuses it until a second person
 * approved it; the author may not approve; a rejected or already applied plan is not applied; a
 * plan file changed after submission is refused; every decision is in the audit trail.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditTrail } from '../auth/audit.js';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { approvePlan, listPlans, rejectPlan, reviewPlan } from './approvals.js';

const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('approvals') },
];

describe.each(backends)('plan approval on $name', (backend) => {
  const h = memoryHarness(backend.open);

  const approvalPipeline = (name: string) => writePipeline(h.dir, { name, extra: { approval: 'required' } });

  async function submitted(name: string) {
    const p = approvalPipeline(name);
    const r = await session(h.state, {
      command: 'run',
      pipelinePath: p,
      actor: 'carla',
      env: { ...process.env, SLUICE_PLANS_DIR: h.dir },
    });
    return { p, r };
  }

  it('a run saves a sealed plan for approval and writes nothing', async () => {
    const name = h.name('req');
    const { r } = await submitted(name);
    expect(r.exitCode).toBe(0);
    expect(r.report.approval?.planPath).toContain(h.dir);
    expect(h.dst.target.size).toBe(0);
    const [pending] = await listPlans(h.state, { statuses: ['pending'], pipeline: name });
    expect(pending).toMatchObject({ id: r.report.approval!.id, author: 'carla', status: 'pending', pipeline: name });
    expect(pending!.counts.create).toBe(3);
    const review = await reviewPlan(h.state, pending!.id);
    expect(review.operations.map((o) => [o.op, o.key])).toEqual([
      ['create', 'a'],
      ['create', 'b'],
      ['create', 'c'],
    ]);
  });

  it('apply refuses the plan until a second person approves it; the author may not', async () => {
    const name = h.name('four-eyes');
    const { r } = await submitted(name);
    const { id, planPath } = r.report.approval!;
    const early = await session(h.state, { command: 'apply', planPath });
    expect(early.report.error?.code).toBe('PLAN_NOT_APPROVED');
    expect(early.exitCode).toBe(2);
    expect(h.dst.target.size).toBe(0);

    await expect(approvePlan(h.state, { id, by: 'carla' })).rejects.toMatchObject({ code: 'PLAN_APPROVER_IS_AUTHOR' });
    const approved = await approvePlan(h.state, { id, by: 'dave', comment: 'looks right' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'dave', comment: 'looks right' });
    await expect(approvePlan(h.state, { id, by: 'erin' })).rejects.toMatchObject({ code: 'PLAN_APPROVAL_DECIDED' });

    const applied = await session(h.state, { command: 'apply', planPath });
    expect(applied.report.error).toBeUndefined();
    expect([...h.dst.target.keys()].sort()).toEqual(['a', 'b', 'c']);
    const [row] = await listPlans(h.state, { pipeline: name });
    expect(row).toMatchObject({ status: 'applied', appliedRunId: applied.report.runId });
    // applied once: never again
    const again = await session(h.state, { command: 'apply', planPath });
    expect(again.report.error?.code).toBe('PLAN_NOT_APPROVED');
    const trail = (await auditTrail(h.state, { pipeline: name })).map((a) => [a.action, a.actor]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['plan-submit', 'carla'],
        ['plan-approve', 'dave'],
      ]),
    );
  });

  it('a rejected plan is not applied, and a rejection needs a comment', async () => {
    const name = h.name('reject');
    const { r } = await submitted(name);
    const { id, planPath } = r.report.approval!;
    await expect(rejectPlan(h.state, { id, by: 'dave', comment: ' ' })).rejects.toMatchObject({
      code: 'PLAN_COMMENT_MISSING',
    });
    expect(await rejectPlan(h.state, { id, by: 'dave', comment: 'wrong period' })).toMatchObject({
      status: 'rejected',
    });
    const refused = await session(h.state, { command: 'apply', planPath });
    expect(refused.report.error?.code).toBe('PLAN_NOT_APPROVED');
    expect(refused.report.error?.message).toContain('wrong period');
    expect(h.dst.target.size).toBe(0);
  });

  it('a plan file changed after submission is refused when it is reviewed or approved', async () => {
    const name = h.name('tamper');
    const { r } = await submitted(name);
    const { id, planPath } = r.report.approval!;
    writeFileSync(planPath, readFileSync(planPath, 'utf8').replace('"Beta"', '"Betamax"'));
    await expect(reviewPlan(h.state, id)).rejects.toMatchObject({ code: 'PLAN_TAMPERED' });
    await expect(approvePlan(h.state, { id, by: 'dave' })).rejects.toMatchObject({ code: 'PLAN_TAMPERED' });
    expect((await listPlans(h.state, { pipeline: name }))[0]!.status).toBe('pending');
  });

  it('a run with nothing to change submits no plan', async () => {
    const name = h.name('nothing');
    h.src.source = [];
    const { r } = await submitted(name);
    expect(r.report.approval).toBeUndefined();
    expect(await listPlans(h.state, { pipeline: name })).toEqual([]);
  });
});
