import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConcurEmulator, type ConcurEmulator } from './index.js';
import { api, companyToken, newUserBody } from './test-client.js';

const LIMIT = 'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
let emu: ConcurEmulator;
let token: string;

beforeAll(async () => {
  emu = await startConcurEmulator({ provisionPendingPolls: 2 });
  token = (await companyToken(emu)).access;
});
afterAll(async () => {
  await emu.close();
});

describe('concur emulator: Identity and User Provisioning', () => {
  it('searches users with cursor paging and a userName filter', async () => {
    const page1 = await api(emu, token, 'POST', '/profile/identity/v4.1/Users/.search', { count: 20 });
    expect(page1.body.Resources).toHaveLength(20);
    expect(page1.body.totalResults).toBe(36);
    const page2 = await api(emu, token, 'POST', '/profile/identity/v4.1/Users/.search', {
      count: 20,
      cursor: page1.body.nextCursor,
    });
    expect(page2.body.Resources).toHaveLength(16);
    expect(page2.body.nextCursor).toBeUndefined();
    const one = await api(
      emu,
      token,
      'GET',
      `/profile/identity/v4/Users?filter=${encodeURIComponent('userName eq "AVERY.REYES@northwind.example"')}`,
    );
    expect(one.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['avery.reyes@northwind.example']);
    expect(one.body.Resources[0]).not.toHaveProperty(LIMIT);
  });

  it('runs SCIM bulk operations: 202, pending polls, then per-operation results', async () => {
    const existing = emu.state.userByName('avery.reyes@northwind.example')!;
    const res = await api(emu, token, 'POST', '/profile/v4/Bulk/', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'new-1',
          data: newUserBody(emu, 'new.person@northwind.example'),
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'dup',
          data: newUserBody(emu, 'avery.reyes@northwind.example'),
        },
        {
          method: 'PATCH',
          path: `/Users/${String(existing.id)}`,
          bulkId: 'patch',
          data: { Operations: [{ op: 'replace', path: 'title', value: 'Director' }] },
        },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.status.completed).toBe(false);
    const statusPath = `/profile/v4/provisions/${String(res.body.id)}/status?attributes=operations`;
    expect((await api(emu, token, 'GET', statusPath)).body.status.completed).toBe(false);
    expect((await api(emu, token, 'GET', statusPath)).body.status.completed).toBe(false);
    const done = await api(emu, token, 'GET', statusPath);
    expect(done.body.status).toEqual({ completed: true, success: false });
    expect(done.body.operationsCount).toEqual({ total: 3, success: 2, failed: 1, pending: 0 });
    const byBulk = Object.fromEntries(done.body.operations.map((o: { bulkId: string }) => [o.bulkId, o]));
    expect(byBulk['new-1'].status.success).toBe(true);
    expect(byBulk.dup.extensions[0].messages.message).toMatch(/already in use/);
    expect(emu.state.userByName('new.person@northwind.example')).toBeDefined();
    expect(emu.state.users.get(String(existing.id))!.title).toBe('Director');
  });

  it('sets and removes cost-object approvers through the ApproverLimit extension', async () => {
    const user = emu.state.userByName('blake.okafor@northwind.example')!;
    const id = String(user.id);
    const replace = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'replace',
          path: LIMIT,
          value: {
            costObjectApprover: [
              {
                approvalType: 'report',
                approvalGroup: 'RND-CC200',
                approvalLimit: 100,
                reimbursementCurrency: 'USD',
                level: 1,
                exceptionApprovalAuthority: false,
              },
            ],
            authorizedApprover: [],
          },
        },
      ],
    };
    expect((await api(emu, token, 'PATCH', `/profile/v4/Users/${id}`, replace)).status).toBe(200);
    const spend = await api(
      emu,
      token,
      'GET',
      `/profile/spend/v4.1/Users/${id}?attributes=${encodeURIComponent(LIMIT)}`,
    );
    expect(spend.body[LIMIT].costObjectApprover.map((e: { approvalGroup: string }) => e.approvalGroup)).toEqual([
      'RND-CC200',
    ]);
    const withoutAttributes = await api(emu, token, 'GET', `/profile/spend/v4.1/Users/${id}`);
    expect(withoutAttributes.body[LIMIT].costObjectApprover).toEqual([]);
    const bad = {
      ...replace,
      Operations: [
        {
          ...replace.Operations[0]!,
          value: { costObjectApprover: [{ approvalType: 'report', approvalGroup: 'NOPE-CC1' }] },
        },
      ],
    };
    const rejected = await api(emu, token, 'PATCH', `/profile/v4/Users/${id}`, bad);
    expect(rejected.status).toBe(400);
    expect(rejected.body.detail).toMatch(/approval hierarchy/);
    const remove = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'remove',
          path: `${LIMIT}:costObjectApprover[approvalType eq "report" and approvalGroup eq "RND-CC200"]`,
        },
      ],
    };
    expect((await api(emu, token, 'PATCH', `/profile/v4/Users/${id}`, remove)).status).toBe(200);
    expect((emu.state.users.get(id)![LIMIT] as { costObjectApprover: unknown[] }).costObjectApprover).toEqual([]);
  });

  it('rejects more than 100 bulk operations', async () => {
    const Operations = Array.from({ length: 101 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `b${i}`,
      data: newUserBody(emu, `u${i}@x.example`),
    }));
    const res = await api(emu, token, 'POST', '/profile/v4/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations,
    });
    expect(res.status).toBe(413);
    expect(res.body.scimType).toBe('tooMany');
  });

  it('refuses a create without an attribute the spec requires, with the SCIM error and the Concur message naming it', async () => {
    const spend = { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US', cashAdvanceAccountCode: '1200' };
    const body = (userName: string, drop: (b: Record<string, any>) => void) => {
      const b: Record<string, any> = newUserBody(emu, userName, { [SPEND]: { ...spend } });
      drop(b);
      return b;
    };
    const cases: [string, (b: Record<string, any>) => void, string][] = [
      ['no.tz@northwind.example', (b) => delete b.timezone, 'timezone'],
      ['no.lang@northwind.example', (b) => delete b.preferredLanguage, 'preferredLanguage'],
      ['no.company@northwind.example', (b) => delete b[ENT].companyId, `${ENT}:companyId`],
      ['no.start@northwind.example', (b) => delete b[ENT].startDate, `${ENT}:startDate`],
      ['no.cash@northwind.example', (b) => delete b[SPEND].cashAdvanceAccountCode, `${SPEND}:cashAdvanceAccountCode`],
    ];
    for (const [userName, drop, path] of cases) {
      const res = await api(emu, token, 'POST', '/profile/v4/Users', body(userName, drop));
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error', 'urn:ietf:params:scim:api:messages:concur:2.0:Error'],
        status: '400',
        scimType: 'invalidValue',
        detail: `Required attribute missing: ${path}`,
        'urn:ietf:params:scim:api:messages:concur:2.0:Error': {
          messages: [{ code: '400', type: 'error', schemaPath: path }],
        },
      });
      expect(emu.state.userByName(userName)).toBeUndefined();
    }
    const other = await api(
      emu,
      token,
      'POST',
      '/profile/v4/Users',
      body('other.company@northwind.example', (b) => (b[ENT].companyId = '00000000-0000-4000-8000-000000000000')),
    );
    expect(other.body.detail).toMatch(/is not this company's id/);
    const zone = await api(
      emu,
      token,
      'POST',
      '/profile/v4/Users',
      body('bad.zone@northwind.example', (b) => (b.timezone = 'Central Time')),
    );
    expect(zone.body.detail).toMatch(/timezone Central Time is not a time zone/);

    // in a bulk request the operation fails under the extension the attribute belongs to
    const bulk = await api(emu, token, 'POST', '/profile/v4/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'ok', data: body('bulk.ok@northwind.example', () => undefined) },
        { method: 'POST', path: '/Users', bulkId: 'bad', data: body('bulk.bad@northwind.example', cases[4]![1]) },
      ],
    });
    let status = await api(
      emu,
      token,
      'GET',
      `/profile/v4/provisions/${String(bulk.body.id)}/status?attributes=operations`,
    );
    while (!status.body.status.completed)
      status = await api(
        emu,
        token,
        'GET',
        `/profile/v4/provisions/${String(bulk.body.id)}/status?attributes=operations`,
      );
    const bad = status.body.operations.find((o: { bulkId: string }) => o.bulkId === 'bad');
    expect(bad.status).toEqual({ completed: true, success: false });
    expect(bad.extensions).toEqual([
      {
        name: SPEND,
        status: { completed: true, success: false, code: '400', result: 'error' },
        messages: {
          code: 'invalidValue',
          type: 'error',
          message: `Required attribute missing: ${SPEND}:cashAdvanceAccountCode`,
          schemaPath: `${SPEND}:cashAdvanceAccountCode`,
        },
      },
    ]);
    expect(emu.state.userByName('bulk.ok@northwind.example')).toMatchObject({
      [ENT]: { startDate: '2025-04-01T00:00:00Z' },
    });
    expect(emu.state.userByName('bulk.bad@northwind.example')).toBeUndefined();
  });

  it("under the docs' rules, applies the documented defaults and lets startDate and cashAdvanceAccountCode be omitted", async () => {
    const docs = await startConcurEmulator({ userCreateRules: 'docs' });
    try {
      const t = (await companyToken(docs)).access;
      const b: Record<string, any> = newUserBody(docs, 'docs.rules@northwind.example', {
        [SPEND]: { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US' },
      });
      delete b.timezone;
      delete b.preferredLanguage;
      delete b[ENT].startDate;
      expect((await api(docs, t, 'POST', '/profile/v4/Users', b)).status).toBe(201);
      expect(docs.state.userByName('docs.rules@northwind.example')).toMatchObject({
        timezone: 'America/New_York',
        preferredLanguage: 'en-US',
      });
      delete b[ENT].companyId;
      b.userName = 'docs.nocompany@northwind.example';
      expect((await api(docs, t, 'POST', '/profile/v4/Users', b)).body.detail).toBe(
        `Required attribute missing: ${ENT}:companyId`,
      );
    } finally {
      await docs.close();
    }
  });
});
