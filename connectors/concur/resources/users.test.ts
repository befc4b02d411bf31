import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataRecord, WriteOp } from '../../../engine/connector/types.js';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { companyToken } from '../emulator/test-client.js';
import { openAgainst, readAll } from '../test-support.js';
import { approverKey } from './cost-object-approvers.def.js';
import { APPROVER_LIMIT_URN } from './cost-object-approvers.js';
import { patchOperations } from './users.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
let emu: ConcurEmulator;
beforeEach(async () => {
  emu = await startConcurEmulator({ provisionPendingPolls: 2 });
});
afterEach(async () => {
  await emu.close();
});

function person(i: number): DataRecord {
  return {
    userName: `new.hire${i}@northwind.example`,
    active: true,
    timezone: 'America/Chicago',
    preferredLanguage: 'en-US',
    name: { givenName: 'New', familyName: `Hire${i}` },
    emails: [{ value: `new.hire${i}@northwind.example`, type: 'work' }],
    [ENT]: { employeeNumber: `E${2000 + i}`, companyId: emu.credentials.companyUuid },
  };
}

describe('concur users', () => {
  it('reads users with cursor paging', async () => {
    const connection = await openAgainst(emu);
    const pages = await readAll(connection, 'users', {}, { pageSize: 10 });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 6]);
    expect(emu.count({ path: '/profile/identity/v4.1/Users/.search' })).toBe(4);
  });

  it('creates, updates and deactivates through SCIM bulk, polling until every operation settles', async () => {
    const connection = await openAgainst(emu);
    const target = connection.target!('users', {}, { keyField: 'userName', mode: 'mirror' });
    const avery = (await target.lookup(['avery.reyes@northwind.example'])).get('avery.reyes@northwind.example')!;
    const blake = (await target.lookup(['blake.okafor@northwind.example'])).get('blake.okafor@northwind.example')!;
    const changed = {
      ...avery.record,
      title: 'Controller',
      [ENT]: { ...(avery.record[ENT] as object), costCenter: 'CC400' },
    };
    const ops: WriteOp[] = [
      ...[1, 2, 3].map((i): WriteOp => ({ op: 'create', key: String(person(i).userName), record: person(i) })),
      { op: 'create', key: 'broken@northwind.example', record: { userName: 'broken@northwind.example' } },
      { op: 'update', key: avery.key, id: avery.id, record: changed, before: avery.record, changes: [] },
      { op: 'delete', key: blake.key, id: blake.id, action: 'deactivate', before: blake.record },
    ];
    const outcomes = new Map((await target.write(ops)).map((o) => [o.key, o]));
    for (const i of [1, 2, 3]) {
      const o = outcomes.get(`new.hire${i}@northwind.example`)!;
      expect(o.ok).toBe(true);
      expect(emu.state.users.get(o.id!)?.userName).toBe(`new.hire${i}@northwind.example`);
    }
    expect(outcomes.get('broken@northwind.example')?.error).toMatchObject({
      code: 'CONCUR_PROVISION_FAILED',
      retryable: false,
    });
    expect(outcomes.get('broken@northwind.example')?.error?.message).toMatch(/givenName/);
    expect(emu.state.users.get(avery.id)).toMatchObject({
      title: 'Controller',
      [ENT]: { costCenter: 'CC400', employeeNumber: 'E1001' },
    });
    expect(emu.state.users.get(blake.id)?.active).toBe(false);
    expect(emu.count({ method: 'POST', path: '/profile/v4/Bulk' })).toBe(1);
    expect(emu.count({ path: '/profile/v4/provisions/:id/status' })).toBe(3);
    const patch = (
      emu.find({ path: '/profile/v4/Bulk' })[0]!.requestBody as {
        Operations: { method: string; data: { Operations?: unknown[] } }[];
      }
    ).Operations[4]!;
    expect(patch.data.Operations).toHaveLength(2);
    expect(patch.data.Operations).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: 'title', value: 'Controller' },
        { op: 'replace', path: `${ENT}:costCenter`, value: 'CC400' },
      ]),
    );
  });

  it('completes a new user with what User Provisioning requires on create, before it is planned; existing users stay as they are', async () => {
    const clock = new ManualClock(Date.UTC(2025, 3, 1, 15), { autoAdvance: true });
    const connection = await openAgainst(emu, { clock });
    const target = connection.target!(
      'users',
      { createDefaults: { timezone: 'America/Chicago', cashAdvanceAccountCode: '1200' } },
      { keyField: 'userName', mode: 'upsert' },
    );
    const spend = { reimbursementCurrency: 'EUR', country: 'DE', locale: 'de_DE' };
    const hire: DataRecord = {
      userName: 'lena.vogel@northwind.example',
      name: { givenName: 'Lena', familyName: 'Vogel' },
      emails: [{ value: 'lena.vogel@northwind.example', type: 'work' }],
      [ENT]: { employeeNumber: 'E1038' },
      [SPEND]: spend,
    };
    const existing: DataRecord = { userName: 'avery.reyes@northwind.example', title: 'Controller' };
    const noSpendDefault = connection.target!('users', {}, { keyField: 'userName', mode: 'upsert' });
    const [created, kept] = await target.prepareRecords!([hire, existing]);
    expect(created).toEqual({
      ok: true,
      record: {
        ...hire,
        timezone: 'America/Chicago',
        preferredLanguage: 'de-DE',
        [ENT]: { employeeNumber: 'E1038', companyId: emu.credentials.companyUuid, startDate: '2025-04-01T00:00:00Z' },
        [SPEND]: { ...spend, cashAdvanceAccountCode: '1200' },
      },
      notes: [
        `new user: timezone America/Chicago, preferredLanguage de-DE, enterprise companyId ${emu.credentials.companyUuid}, enterprise startDate 2025-04-01T00:00:00Z, spend cashAdvanceAccountCode 1200`,
      ],
    });
    expect(kept).toEqual({ ok: true, record: existing });
    // without a default, a spend user that lacks cashAdvanceAccountCode is not created but explained
    const [refused] = await noSpendDefault.prepareRecords!([hire]);
    expect(refused).toEqual({
      ok: false,
      code: 'CONCUR_USER_INCOMPLETE',
      reasonClass: 'config',
      message:
        'user lena.vogel@northwind.example cannot be created: User Provisioning requires spend cashAdvanceAccountCode (map it in the transform or set target.options.createDefaults.cashAdvanceAccountCode)',
    });
    const [own] = await noSpendDefault.prepareRecords!([
      { ...hire, timezone: 'Europe/Berlin', [SPEND]: { ...spend, cashAdvanceAccountCode: 'E1038' } },
    ]);
    expect(own).toMatchObject({
      ok: true,
      record: { timezone: 'Europe/Berlin', [SPEND]: { cashAdvanceAccountCode: 'E1038' } },
    });

    // written as planned, the emulator (spec rules) accepts it
    const outcomes = await target.write([
      { op: 'create', key: String(hire.userName), record: (created as { record: DataRecord }).record },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(emu.state.userByName('lena.vogel@northwind.example')).toMatchObject({
      timezone: 'America/Chicago',
      preferredLanguage: 'de-DE',
      [ENT]: { companyId: emu.credentials.companyUuid, startDate: '2025-04-01T00:00:00Z' },
    });
  });

  it('writes a create nobody prepared complete as well, taking the company id from existing users when the connection has none', async () => {
    const { refresh } = await companyToken(emu);
    const connection = await openAgainst(emu, {
      config: { companyUuid: undefined, requestToken: undefined, refreshToken: refresh },
    });
    const target = connection.target!('users', {}, { keyField: 'userName', mode: 'upsert' });
    const [out] = await target.write([{ op: 'create', key: 'kim.lee@northwind.example', record: person(7) }]);
    expect(out).toMatchObject({ ok: true });
    const sent = (emu.find({ path: '/profile/v4/Bulk' })[0]!.requestBody as { Operations: { data: DataRecord }[] })
      .Operations[0]!.data;
    expect(sent).toMatchObject({
      timezone: 'America/Chicago',
      preferredLanguage: 'en-US',
      [ENT]: {
        companyId: emu.credentials.companyUuid,
        startDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/),
      },
    });
  });

  it('builds patch operations per changed attribute', () => {
    expect(
      patchOperations(
        { name: { givenName: 'A', familyName: 'B' }, active: true },
        { name: { givenName: 'C' }, active: true },
      ),
    ).toEqual([{ op: 'replace', path: 'name', value: { givenName: 'C', familyName: 'B' } }]);
  });
});

describe('concur cost-object-approvers', () => {
  const key = (u: string, g: string) => approverKey(u, 'report', g);
  it('adds, changes and removes approvers through the ApproverLimit extension, one bulk operation per user', async () => {
    const connection = await openAgainst(emu);
    const target = connection.target!('cost-object-approvers', {}, { keyField: 'approverKey', mode: 'mirror' });
    const avery = 'avery.reyes@northwind.example';
    const existing = await target.lookup([key(avery, 'SALES-CC100'), key(avery, 'SALES-CC110')]);
    expect([...existing.keys()]).toEqual([key(avery, 'SALES-CC100')]);
    const current = existing.get(key(avery, 'SALES-CC100'))!;
    expect(current.record).toMatchObject({
      userName: avery,
      approvalType: 'report',
      approvalGroup: 'SALES-CC100',
      approvalLimit: 5000,
    });
    const rec = (u: string, g: string, limit: number) => ({
      approverKey: key(u, g),
      userName: u,
      approvalType: 'report',
      approvalGroup: g,
      approvalLimit: limit,
      reimbursementCurrency: 'USD',
      level: 1,
    });
    const blake = 'blake.okafor@northwind.example';
    const ops: WriteOp[] = [
      { op: 'create', key: key(avery, 'SALES-CC110'), record: rec(avery, 'SALES-CC110', 2500) },
      {
        op: 'update',
        key: current.key,
        id: current.id,
        record: { ...current.record, approvalLimit: 7500 },
        before: current.record,
        changes: [],
      },
      {
        op: 'delete',
        key: key(blake, 'SALES-CC110'),
        id: 'x',
        action: 'delete',
        before: (await target.lookup([key(blake, 'SALES-CC110')])).get(key(blake, 'SALES-CC110'))!.record,
      },
      { op: 'create', key: key('nobody@northwind.example', 'GNA'), record: rec('nobody@northwind.example', 'GNA', 1) },
    ];
    const outcomes = new Map((await target.write(ops)).map((o) => [o.key, o]));
    expect(outcomes.get(key(avery, 'SALES-CC110'))?.ok).toBe(true);
    expect(outcomes.get(key(avery, 'SALES-CC100'))?.ok).toBe(true);
    expect(outcomes.get(key(blake, 'SALES-CC110'))?.ok).toBe(true);
    expect(outcomes.get(key('nobody@northwind.example', 'GNA'))?.error).toMatchObject({
      code: 'CONCUR_USER_NOT_FOUND',
      retryable: false,
    });
    const limitsOf = (u: string) =>
      (
        emu.state.userByName(u)![APPROVER_LIMIT_URN] as {
          costObjectApprover: { approvalGroup: string; approvalLimit: number }[];
        }
      ).costObjectApprover;
    expect(limitsOf(avery).map((e) => [e.approvalGroup, e.approvalLimit])).toEqual([
      ['SALES-CC100', 7500],
      ['SALES-CC110', 2500],
    ]);
    expect(limitsOf(blake)).toEqual([]);
    const bulk = emu.find({ path: '/profile/v4/Bulk' })[0]!.requestBody as {
      Operations: { data: { Operations: { op: string; path: string }[] } }[];
    };
    expect(bulk.Operations).toHaveLength(2);
    expect(bulk.Operations[1]!.data.Operations[0]).toEqual({
      op: 'remove',
      path: `${APPROVER_LIMIT_URN}:costObjectApprover[approvalType eq "report" and approvalGroup eq "SALES-CC110"]`,
    });
  });
});
