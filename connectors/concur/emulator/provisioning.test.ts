import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConcurEmulator, type ConcurEmulator } from './index.js';
import { api, companyToken } from './test-client.js';

const LIMIT = 'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit';
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
          data: { userName: 'new.person@northwind.example', name: { givenName: 'New', familyName: 'Person' } },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'dup',
          data: { userName: 'avery.reyes@northwind.example', name: { givenName: 'A', familyName: 'R' } },
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
      data: { userName: `u${i}@x.example`, name: { givenName: 'U', familyName: `${i}` } },
    }));
    const res = await api(emu, token, 'POST', '/profile/v4/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations,
    });
    expect(res.status).toBe(413);
    expect(res.body.scimType).toBe('tooMany');
  });
});
