/**
 * erp-db-users-to-concur end to end: the CLI as a subprocess, the ERP tables on the real MariaDB
 * (seeded by the demo environment), assertions on the Concur emulator's users.
 */
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { checkExchanges } from '../../../connectors/concur/emulator/spec/check.js';
import { parseStateUrl } from '../../../engine/state/url.js';
import { ERP_TABLES } from '../../../app/demo/erp-db.js';
import { demoEnvironment, runPipeline as runNamed, sluice } from '../../helpers/demo-env.js';
import { createTestDatabase } from '../../helpers/mysql.js';

type Json = Record<string, unknown>;

const PIPELINE = 'erp-db-users-to-concur';
const SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const NEW_HIRES = ['E1037', 'E1038', 'E1039', 'E1040'];
const CHANGED = ['E1010', 'E1015', 'E1030'];

describe('erp-db-users-to-concur on MariaDB', async () => {
  const db = await createTestDatabase('erpusers');
  const env = await demoEnvironment({ erpDbUrl: db.url });
  const erp = knexFactory(parseStateUrl(db.url).knexConfig);
  afterAll(async () => {
    await erp.destroy();
    await db.drop();
  });

  const runPipeline = (): ReturnType<typeof runNamed> => runNamed(env, PIPELINE);

  /** Concur users by employee number (externalId), as the emulator holds them. */
  const users = (): Map<string, Json> =>
    new Map([...env.concur.state.users.values()].map((u) => [String(u.externalId), structuredClone(u)]));
  const orgUnits = (u: Json | undefined): string[] =>
    ((u?.[SPEND] as { customData?: { id: string; value: string }[] } | undefined)?.customData ?? []).map(
      (c) => `${c.id}=${c.value}`,
    );
  /** Employee numbers of the users whose document changed between two snapshots (or that are new). */
  const changedBetween = (before: Map<string, Json>, after: Map<string, Json>): string[] =>
    [...after]
      .filter(([n, u]) => JSON.stringify(before.get(n)) !== JSON.stringify(u))
      .map(([n]) => n)
      .sort();
  const openAttention = async (): Promise<string[]> => {
    const r = await sluice(env, ['attention', 'list', PIPELINE, '--json']);
    return (JSON.parse(r.stdout) as { sourceKey: string }[]).map((e) => e.sourceKey).sort();
  };
  const bulkWrites = (): number => env.concur.count({ method: 'POST', path: '/profile/v4/Bulk' });

  it('first run creates the 4 new hires and updates the 3 changed employees, nothing else', async () => {
    const before = users();
    expect(before.size).toBe(36);
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ read: 40, create: 4, update: 3, delete: 0, attention: 0 });
    expect(report.apply).toMatchObject({ created: 4, updated: 3, failed: 0 });

    const after = users();
    expect(after.size).toBe(40);
    expect(changedBetween(before, after)).toEqual([...CHANGED, ...NEW_HIRES].sort());
    // API economy: one SCIM bulk request for the four creates, one for the three updates
    expect(bulkWrites()).toBe(2);

    const kofi = after.get('E1037')!;
    expect(kofi).toMatchObject({
      userName: 'kofi.asante@northwind.example',
      active: true,
      displayName: 'Kofi Asante',
      name: { givenName: 'Kofi', familyName: 'Asante' },
      emails: [{ value: 'kofi.asante@northwind.example', type: 'work' }],
      [ENTERPRISE]: { employeeNumber: 'E1037' },
      [SPEND]: { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US' },
    });
    // what User Provisioning requires on create and the ERP does not hold: from the pipeline's
    // createDefaults and the connection, on every new hire (and only on them)
    for (const n of NEW_HIRES)
      expect(after.get(n), n).toMatchObject({
        timezone: 'America/Chicago',
        preferredLanguage: 'en-US',
        [ENTERPRISE]: {
          companyId: env.concur.credentials.companyUuid,
          startDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/),
        },
        [SPEND]: { cashAdvanceAccountCode: '1200' },
      });
    expect(after.get('E1010')?.[SPEND]).not.toHaveProperty('cashAdvanceAccountCode');
    // every request the run sent (and every answer) matches the vendored User Provisioning and Identity specs
    expect(checkExchanges(env.concur.requests)).toEqual([]);
    expect(orgUnits(kofi)).toEqual(['orgUnit1=SALES', 'orgUnit2=CC110']);
    expect(orgUnits(after.get('E1040'))).toEqual(['orgUnit1=GNA', 'orgUnit2=CC400']);

    // the transfer, the name change and the leaver
    expect(orgUnits(after.get('E1010'))).toEqual(['orgUnit1=RND', 'orgUnit2=CC200']);
    expect(after.get('E1015')).toMatchObject({
      displayName: 'Olivia Nguyen-Hart',
      name: { givenName: 'Olivia', familyName: 'Nguyen-Hart', formatted: 'Nguyen-Hart, Olivia' },
    });
    const dana = after.get('E1030')!;
    expect(dana.active).toBe(false);
    expect(env.concur.state.users.has(String(dana.id))).toBe(true); // deactivated, not deleted
    expect(orgUnits(dana)).toEqual(orgUnits(before.get('E1030'))); // a leaver's other data is left alone
  });

  it('a second run changes nothing', async () => {
    const before = users();
    const writes = bulkWrites();
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 0, attention: 0 });
    expect(report.apply).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(bulkWrites()).toBe(writes);
    expect(changedBetween(before, users())).toEqual([]);
  });

  it('a changed ERP row yields exactly one update', async () => {
    const before = users();
    await erp(ERP_TABLES.employees)
      .where({ employee_number: 'E1020' })
      .update({ division: 'GNA', cost_center: 'CC410', updated_at: '2024-06-20T08:00:00' });
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(0);
    expect(report.plan?.counts).toMatchObject({ create: 0, update: 1, delete: 0, attention: 0 });
    expect(report.apply).toMatchObject({ created: 0, updated: 1 });
    const after = users();
    expect(changedBetween(before, after)).toEqual(['E1020']);
    expect(orgUnits(after.get('E1020'))).toEqual(['orgUnit1=GNA', 'orgUnit2=CC410']);
  });

  it('rows with missing or unknown data go to attention with the reason; the rest succeed; fixed rows sync next run', async () => {
    const hire = (n: string, first: string, last: string, extra: Json = {}): Json => ({
      employee_number: n,
      first_name: first,
      last_name: last,
      email: `${first}.${last}@northwind.example`.toLowerCase(),
      division: 'OPS',
      cost_center: 'CC300',
      country: 'US',
      currency: 'USD',
      locale: 'en-US',
      active: 1,
      updated_at: '2024-06-21T08:00:00',
      ...extra,
    });
    await erp(ERP_TABLES.employees).insert([
      hire('E1041', 'Noor', 'Haddad', { cost_center: '' }),
      hire('E1042', 'Omar', 'Sy', { currency: 'XYZ' }),
      hire('E1043', 'Pia', 'Berg'),
    ]);
    const before = users();
    const { result, report } = await runPipeline();
    expect(result.code, result.stderr).toBe(3);
    expect(report.plan?.counts).toMatchObject({ create: 1, update: 0, attention: 2 });
    expect(report.apply).toMatchObject({ created: 1 });
    const reasons = Object.fromEntries(report.attention.sample.map((a) => [a.sourceKey, a.message]));
    expect(reasons).toEqual({
      E1041: 'employee E1041: no cost center (hr_employees.cost_center, Concur org unit 2)',
      E1042:
        'employee E1042: reimbursement currency "XYZ" is unknown (not in pipelines/mappings/erp-db-currencies.csv)',
    });
    const after = users();
    expect(changedBetween(before, after)).toEqual(['E1043']);
    expect(after.has('E1041')).toBe(false);
    expect(after.has('E1042')).toBe(false);

    expect(await openAttention()).toEqual(['E1041', 'E1042']);

    // HR fixes both rows; their updated_at moves, so the next incremental read picks them up
    await erp(ERP_TABLES.employees)
      .where({ employee_number: 'E1041' })
      .update({ cost_center: 'CC310', updated_at: '2024-06-22T08:00:00' });
    await erp(ERP_TABLES.employees)
      .where({ employee_number: 'E1042' })
      .update({ currency: 'CAD', country: 'CA', locale: 'en-CA', updated_at: '2024-06-22T08:00:00' });
    const fixed = await runPipeline();
    expect(fixed.result.code, fixed.result.stderr).toBe(0);
    expect(fixed.report.apply).toMatchObject({ created: 2, updated: 0 });
    const now = users();
    expect(orgUnits(now.get('E1041'))).toEqual(['orgUnit1=OPS', 'orgUnit2=CC310']);
    expect(now.get('E1042')).toMatchObject({
      [SPEND]: { reimbursementCurrency: 'CAD', country: 'CA', locale: 'en-CA' },
    });
    expect(await openAttention()).toEqual([]);
  });

  it('an employee who leaves is deactivated once; a rerun that reads the row again leaves the user alone', async () => {
    await erp(ERP_TABLES.employees)
      .where({ employee_number: 'E1021' })
      .update({ active: 0, cost_center: '', updated_at: '2024-06-23T08:00:00' });
    const before = users();
    const first = await runPipeline();
    expect(first.result.code, first.result.stderr).toBe(0);
    expect(first.report.plan?.counts).toMatchObject({ create: 0, update: 1, attention: 0 });
    const after = users();
    expect(changedBetween(before, after)).toEqual(['E1021']);
    expect(after.get('E1021')?.active).toBe(false);

    // the row is inside the lookback window, so it is read again: the user is already inactive
    const again = await runPipeline();
    expect(again.result.code, again.result.stderr).toBe(0);
    expect(again.report.plan?.counts).toMatchObject({ read: 1, create: 0, update: 0, skipped: 1 });
    expect(changedBetween(after, users())).toEqual([]);
  });
});
