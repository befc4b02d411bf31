/**
 * erp-db-approvers-to-concur end to end: the CLI as a subprocess, hr_cost_object_approvers on the
 * real MariaDB (seeded by the demo environment), assertions on the cost-object approvers the Concur
 * emulator holds per user (ApproverLimit extension).
 */
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { ERP_TABLES } from '../../../app/demo/erp-db.js';
import { parseStateUrl } from '../../../engine/state/url.js';
import { demoEnvironment, runPipeline as runNamed } from '../../helpers/demo-env.js';
import { createTestDatabase } from '../../helpers/mysql.js';

type Json = Record<string, unknown>;

const PIPELINE = 'erp-db-approvers-to-concur';
const LIMITS = 'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit';

/** The eight approvers Concur already has (the first employee of each cost center), as `employee type group limit`. */
const SEEDED = [
  'E1001 report SALES-CC100 5000',
  'E1002 report SALES-CC110 5000',
  'E1003 report RND-CC200 5000',
  'E1004 report RND-CC210 5000',
  'E1005 report OPS-CC300 5000',
  'E1006 report OPS-CC310 5000',
  'E1007 report GNA-CC400 5000',
  'E1008 report GNA-CC410 5000',
];

describe('erp-db-approvers-to-concur on MariaDB', async () => {
  const db = await createTestDatabase('erpapprovers');
  const env = await demoEnvironment({ erpDbUrl: db.url });
  const erp = knexFactory(parseStateUrl(db.url).knexConfig);
  afterAll(async () => {
    await erp.destroy();
    await db.drop();
  });

  const runPipeline = (): ReturnType<typeof runNamed> => runNamed(env, PIPELINE);

  /** Every cost-object approver in Concur as `employee type group limit currency`, sorted. */
  const approvers = (): string[] =>
    [...env.concur.state.users.values()]
      .flatMap((u) => {
        const entries = ((u[LIMITS] as { costObjectApprover?: Json[] } | undefined)?.costObjectApprover ??
          []) as Json[];
        return entries.map(
          (e) =>
            `${String(u.externalId)} ${String(e.approvalType)} ${String(e.approvalGroup)} ${Number(e.approvalLimit)}`,
        );
      })
      .sort();
  const row = (id: number, employee: string, type: string, division: string, cc: string, limit: number): Json => ({
    id,
    employee_number: employee,
    approval_type: type,
    division,
    cost_center: cc,
    approval_limit: limit,
    currency: 'USD',
    updated_at: '2024-06-12T08:00:00',
  });

  it('first run adds the two approvers the ERP has and Concur lacks, nothing else', async () => {
    expect(approvers()).toEqual(SEEDED);
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ read: 10, create: 2, update: 0, delete: 0, noop: 8, attention: 0 });
    expect(report.apply).toMatchObject({ created: 2, failed: 0 });
    expect(approvers()).toEqual([...SEEDED, 'E1001 report SALES-CC110 2500', 'E1007 payment GNA-CC400 25000'].sort());
    const grace = [...env.concur.state.users.values()].find((u) => u.externalId === 'E1007')!;
    expect((grace[LIMITS] as { costObjectApprover: Json[] }).costObjectApprover).toContainEqual({
      approvalType: 'payment',
      approvalGroup: 'GNA-CC400',
      approvalLimit: 25000,
      reimbursementCurrency: 'USD',
      exceptionApprovalAuthority: false,
      level: 1,
    });
  });

  it('a second run changes nothing', async () => {
    const before = approvers();
    const writes = env.concur.count({ method: 'POST', path: '/profile/v4/Bulk' });
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 0, noop: 10 });
    expect(env.concur.count({ method: 'POST', path: '/profile/v4/Bulk' })).toBe(writes);
    expect(approvers()).toEqual(before);
  });

  it('a changed limit in the ERP is exactly one update', async () => {
    await erp(ERP_TABLES.approvers)
      .where({ id: 2 })
      .update({ approval_limit: 7500, updated_at: '2024-06-12T08:00:00' });
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 1, delete: 0 });
    expect(approvers()).toContain('E1002 report SALES-CC110 7500');
    expect(approvers()).not.toContain('E1002 report SALES-CC110 5000');
  });

  it('approvers added in the ERP are added; one the pipeline added and the ERP deleted is removed', async () => {
    await erp(ERP_TABLES.approvers).insert([
      row(11, 'E1003', 'payment', 'RND', 'CC200', 10000),
      row(12, 'E1004', 'report', 'RND', 'CC200', 3000),
    ]);
    // row 9 was added to Concur by this pipeline; row 1 predates it in Concur (adopted): only row 9 is removed
    await erp(ERP_TABLES.approvers).whereIn('id', [1, 9]).delete();
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 2, update: 0, delete: 1 });
    expect(report.plan?.guard).toMatchObject({ blocked: false });
    const now = approvers();
    expect(now).not.toContain('E1001 report SALES-CC110 2500');
    expect(now).toContain('E1001 report SALES-CC100 5000');
    expect(now).toContain('E1003 payment RND-CC200 10000');
    expect(now).toContain('E1004 report RND-CC200 3000');
  });

  it('an approver who leaves loses the approvals this pipeline gave', async () => {
    await erp(ERP_TABLES.employees)
      .where({ employee_number: 'E1003' })
      .update({ active: 0, updated_at: '2024-06-13T08:00:00' });
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 1, skipped: 2 });
    expect(approvers()).not.toContain('E1003 payment RND-CC200 10000');
  });

  it('a row with missing data goes to attention, the others sync, and no approver is removed until it is fixed', async () => {
    await erp(ERP_TABLES.approvers).insert([
      row(13, 'E1005', 'payment', 'OPS', 'CC999', 1000),
      row(14, 'E1006', 'payment', 'OPS', 'CC310', 8000),
    ]);
    await erp(ERP_TABLES.approvers).where({ id: 10 }).delete();
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(3);
    expect(report.plan?.counts).toMatchObject({ create: 1, delete: 0, attention: 1 });
    expect(report.attention.sample).toEqual([
      {
        sourceKey: '13',
        code: 'TRANSFORM_FAILED',
        message: 'approver row 13 (E1005): approval group OPS-CC999 is not in the Concur list "Cost Centers"',
      },
    ]);
    expect(report.plan?.warnings.join('\n')).toContain('mirror deletes are withheld');
    expect(approvers()).toContain('E1006 payment OPS-CC310 8000');
    expect(approvers()).toContain('E1007 payment GNA-CC400 25000');

    await erp(ERP_TABLES.approvers).where({ id: 13 }).update({ cost_center: 'CC300' });
    const fixed = await runPipeline();
    expect(fixed.result.code, fixed.result.stderr).toBe(0);
    expect(fixed.report.plan?.counts).toMatchObject({ create: 1, delete: 1, attention: 0 });
    expect(approvers()).toContain('E1005 payment OPS-CC300 1000');
    expect(approvers()).not.toContain('E1007 payment GNA-CC400 25000');
  });
});
