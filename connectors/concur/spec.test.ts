import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteOp } from '../../engine/connector/types.js';
import { checkExchanges } from './emulator/spec/check.js';
import { startConcurEmulator, type ConcurEmulator } from './emulator/index.js';
import { openAgainst, readAll } from './test-support.js';
import { approverKey } from './resources/cost-object-approvers.def.js';

let emu: ConcurEmulator;
beforeAll(async () => {
  emu = await startConcurEmulator({ provisionPendingPolls: 1 });
});
afterAll(async () => {
  await emu.close();
});

describe('concur connector against the official specs', () => {
  it('sends requests the specs accept and understands the responses, on every resource', async () => {
    const connection = await openAgainst(emu);
    for (const [resource, options] of [
      ['expense-reports', { approvalStatus: 'A_APPR' }],
      ['payment-requests', {}],
      ['list-items', { list: 'Cost Centers' }],
      ['vendors', {}],
      ['users', {}],
      ['cost-object-approvers', {}],
    ] as const) {
      expect((await readAll(connection, resource, options, { pageSize: 7 })).flat().length, resource).toBeGreaterThan(
        0,
      );
    }
    const fis = connection.source!('fis-documents', { postingCompanyId: 'SBO_NORTHWIND' });
    const docs = [];
    for await (const page of fis.read({ pageSize: 25 })) docs.push(...page);
    await fis.confirm!(
      docs.map((d, i) => ({
        sourceKey: String(d.id),
        record: d,
        status: i % 5 === 0 ? 'failure' : 'success',
        targetId: `${100 + i}`,
        targetRecord: { ReferenceDate: '2025-02-06', JdtNum: 100 + i },
        message: 'Period closed',
      })),
    );

    const lists = connection.target!('list-items', { list: 'Cost Centers' }, { keyField: 'code', mode: 'mirror' });
    const sales = (await lists.lookup(['SALES-CC110'])).get('SALES-CC110')!;
    await lists.write([
      { op: 'create', key: 'SALES-CC120', record: { code: 'SALES-CC120', value: 'Key Accounts' } },
      { op: 'create', key: 'SALES-CC100', record: { code: 'SALES-CC100', value: 'Duplicate' } },
      {
        op: 'update',
        key: sales.key,
        id: sales.id,
        record: { ...sales.record, value: 'Inside Sales East' },
        before: sales.record,
        changes: [],
      },
    ]);
    const vendors = connection.target!('vendors', {}, { keyField: 'VendorCode', mode: 'upsert' });
    const v1 = (await vendors.lookup(['V2001'])).get('V2001')!;
    await vendors.write([
      {
        op: 'create',
        key: 'V2013',
        record: {
          VendorCode: 'V2013',
          VendorName: 'Meridian Travel',
          CountryCode: 'US',
          CurrencyCode: 'USD',
          Address1: '142 Commerce Drive',
          City: 'Chicago',
          State: 'IL',
          PostalCode: '60654',
        },
      },
      {
        op: 'update',
        key: 'V2001',
        id: v1.id,
        record: { ...v1.record, PaymentTerms: '45' },
        before: v1.record,
        changes: [],
      },
    ]);
    const users = connection.target!('users', {}, { keyField: 'userName', mode: 'upsert' });
    const avery = (await users.lookup(['avery.reyes@northwind.example'])).get('avery.reyes@northwind.example')!;
    const ops: WriteOp[] = [
      {
        op: 'create',
        key: 'kim.lee@northwind.example',
        record: {
          userName: 'kim.lee@northwind.example',
          active: true,
          timezone: 'America/Chicago',
          preferredLanguage: 'en-US',
          name: { givenName: 'Kim', familyName: 'Lee' },
          emails: [{ value: 'kim.lee@northwind.example', type: 'work' }],
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
            employeeNumber: 'E1037',
            companyId: emu.credentials.companyUuid,
            startDate: '2025-04-01T00:00:00',
          },
        },
      },
      {
        op: 'update',
        key: avery.key,
        id: avery.id,
        record: { ...avery.record, title: 'Sales Lead' },
        before: avery.record,
        changes: [],
      },
    ];
    await users.write(ops);
    const approvers = connection.target!('cost-object-approvers', {}, { keyField: 'approverKey', mode: 'upsert' });
    const k = approverKey('grace.kim@northwind.example', 'report', 'OPS-CC300');
    await approvers.lookup([k]);
    await approvers.write([
      {
        op: 'create',
        key: k,
        record: {
          approverKey: k,
          userName: 'grace.kim@northwind.example',
          approvalType: 'report',
          approvalGroup: 'OPS-CC300',
          approvalLimit: 2000,
          reimbursementCurrency: 'USD',
          level: 1,
          exceptionApprovalAuthority: false,
        },
      },
    ]);

    const problems = checkExchanges(emu.requests);
    expect(problems).toEqual([]);
    const routes = new Set(emu.requests.map((r) => r.route));
    for (const route of [
      'POST /oauth2/v0/token',
      'GET /api/v3.0/expense/reports',
      'GET /api/v3.0/expense/entries',
      'GET /api/v3.0/expense/allocations',
      'GET /api/v3.0/invoice/paymentrequestdigests',
      'GET /api/v3.0/invoice/paymentrequest/:id',
      'GET /list/v4/lists',
      'GET /list/v4/lists/:listId/children',
      'GET /list/v4/lists/:listId/items/:itemId/children',
      'POST /list/v4/lists/:listId/bulk',
      'PATCH /list/v4/lists/:listId/bulk',
      'GET /api/v3.1/invoice/vendors',
      'POST /api/v3.1/invoice/vendors',
      'PUT /api/v3.1/invoice/vendors',
      'GET /financialintegration/fi/v4/companies/transactiontypes/:docType/transactions',
      'POST /financialintegration/fi/v4/companies/transactiontypes/:docType/transactions/acknowledgements',
      'POST /financialintegration/fi/v4/companies/transactiontypes/:docType/transactions/postingconfirmations',
      'POST /profile/identity/v4.1/Users/.search',
      'POST /profile/v4/Bulk',
      'GET /profile/v4/provisions/:id/status',
    ]) {
      expect(routes.has(route), route).toBe(true);
    }
  });
});
