import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROUTES, startConcurEmulator, type ConcurEmulator } from '../index.js';
import { api, companyToken, newUserBody, passwordGrant, raw } from '../test-client.js';
import { checkExchanges } from './check.js';
import { SPEC_MAP, UNSPECIFIED } from './spec-map.js';
import { SpecRegistry } from './validator.js';

const FIS = '/financialintegration/fi/v4/companies/transactiontypes/expense/transactions';
const LIMIT = 'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const OTHER = '00000000-0000-4000-8000-000000000000';
let emu: ConcurEmulator;

beforeAll(async () => {
  emu = await startConcurEmulator({ provisionPendingPolls: 0 });
});
afterAll(async () => {
  await emu.close();
});

async function exerciseEveryRoute(): Promise<void> {
  await raw(`${emu.regions.eu}/oauth2/v0/token`, { method: 'POST', form: passwordGrant(emu) });
  await raw(emu.tokenUrl, { method: 'POST', form: passwordGrant(emu, { client_secret: 'wrong' }) });
  const { access: t } = await companyToken(emu);
  const report = [...emu.state.reports.values()][2]!;
  const pr = [...emu.state.paymentRequests.values()];
  await api(emu, t, 'GET', '/api/v3.0/expense/reports?user=ALL&limit=5');
  await api(emu, t, 'GET', `/api/v3.0/expense/reports/${String(report.ID)}`);
  await api(emu, t, 'GET', `/api/v3.0/expense/entries?reportID=${String(report.ID)}`);
  await api(emu, t, 'GET', `/api/v3.0/expense/allocations?reportID=${String(report.ID)}`);
  await api(emu, t, 'GET', '/api/v3.0/invoice/paymentrequestdigests?limit=3');
  await api(emu, t, 'GET', `/api/v3.0/invoice/paymentrequestdigests/${String(pr[0]!.ID)}`);
  for (const p of pr.slice(0, 4)) await api(emu, t, 'GET', `/api/v3.0/invoice/paymentrequest/${String(p.ID)}`);
  await api(emu, t, 'GET', '/api/v3.0/invoice/localizeddata?type=approvalStatus');
  await api(emu, t, 'GET', '/api/v3.1/invoice/vendors?limit=5');
  await api(emu, t, 'POST', '/api/v3.1/invoice/vendors', {
    Vendor: [
      {
        VendorCode: 'V2013',
        AddressCode: 'MAIN',
        VendorName: 'Meridian Travel',
        CountryCode: 'US',
        CurrencyCode: 'USD',
      },
    ],
  });
  await api(emu, t, 'PUT', '/api/v3.1/invoice/vendors', {
    Vendor: [{ VendorCode: 'V2013', AddressCode: 'MAIN', CountryCode: 'US', CurrencyCode: 'USD', City: 'Chicago' }],
  });
  await api(emu, t, 'DELETE', '/api/v3.1/invoice/vendors?vendorCode=V2013&addressCode=MAIN');
  await api(emu, t, 'DELETE', '/api/v3.1/invoice/vendors?vendorCode=V2013');
  const lists = await api(emu, t, 'GET', '/list/v4/lists');
  const cc = emu.state.listByName('Cost Centers')!;
  await api(emu, t, 'GET', `/list/v4/lists/${cc.id}`);
  await api(emu, t, 'GET', '/list/v4/lists/00000000-0000-4000-a000-000000000000');
  const top = await api(emu, t, 'GET', `/list/v4/lists/${cc.id}/children?page=1`);
  const first = top.body.content[0] as { id: string };
  await api(emu, t, 'GET', `/list/v4/lists/${cc.id}/items/${first.id}/children`);
  await api(emu, t, 'GET', `/list/v4/items/${first.id}/children`);
  await api(emu, t, 'GET', `/list/v4/items/${first.id}`);
  await api(emu, t, 'POST', `/list/v4/lists/${cc.id}/bulk`, {
    requests: [
      { shortCode: 'CC120', value: 'Key Accounts', parentCode: 'SALES' },
      { shortCode: 'CC100', value: 'Dup', parentCode: 'SALES' },
    ],
  });
  await api(emu, t, 'POST', `/list/v4/lists/${cc.id}/bulk`, {
    requests: [{ shortCode: 'CC100', value: 'Dup', parentCode: 'SALES' }],
  });
  await api(emu, t, 'POST', `/list/v4/lists/${cc.id}/bulk`, { requests: [] });
  await api(emu, t, 'PATCH', `/list/v4/lists/${cc.id}/bulk`, {
    requests: [
      { code: 'SALES-CC120', value: 'Key Accounts East' },
      { code: 'SALES-CC120', deleted: true },
    ],
  });
  emu.faults.add({ path: /\/bulk$/, kind: '429' });
  await api(emu, t, 'PATCH', `/list/v4/lists/${cc.id}/bulk`, { requests: [{ code: 'SALES-CC100', value: 'Sales' }] });
  const docs = await api(emu, t, 'GET', `${FIS}?page=0&limit=3`);
  const ids = (docs.body.content as { id: string }[]).map((d) => d.id);
  await api(emu, t, 'POST', `${FIS}/acknowledgements`, { systemId: 'SAPB1', ids: [...ids, 'missing'] });
  await api(emu, t, 'POST', `${FIS}/postingconfirmations`, {
    systemId: 'SAPB1',
    postingConfirmations: [
      {
        docId: ids[0],
        overallPostingStatusCode: 'success',
        postingDocs: [
          {
            companyId: 'NWI',
            documentNumber: '100',
            fiscalYear: '2025',
            postingDate: '2025-03-01',
            paymentRelevantLineItems: [],
          },
        ],
        systemMessages: [],
      },
      {
        docId: ids[1],
        overallPostingStatusCode: 'error',
        systemMessages: [
          {
            messageId: 'E1',
            messageLanguage: 'EN',
            messageShortText: 'Account missing',
            messageLongText: 'GL account 6999 does not exist',
          },
        ],
      },
    ],
  });
  await api(emu, t, 'GET', '/api/v4.0/fi/v4/companies/transactiontypes/invoice/transactions');
  await api(emu, t, 'GET', '/api/v4.0/fi/v4/companies/transactiontypes/nope/transactions');
  const users = await api(emu, t, 'GET', '/profile/identity/v4/Users?count=5');
  const uid = users.body.Resources[0].id as string;
  await api(emu, t, 'GET', `/profile/identity/v4/Users/${uid}`);
  await api(emu, t, 'GET', '/profile/identity/v4/Users/not-a-user');
  await api(emu, t, 'GET', '/profile/identity/v4.1/Users?count=5');
  await api(emu, t, 'POST', '/profile/identity/v4.1/Users/.search', {
    filter: 'userName eq "avery.reyes@northwind.example"',
    count: 10,
  });
  await api(emu, t, 'GET', `/profile/identity/v4.1/Users/${uid}`);
  await api(emu, t, 'GET', `/profile/spend/v4.1/Users/${uid}?attributes=${encodeURIComponent(LIMIT)}`);
  const bulk = await api(emu, t, 'POST', '/profile/v4/Bulk', {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
    Operations: [
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'b1',
        data: newUserBody(emu, 'spec.person@northwind.example', {
          'urn:ietf:params:scim:schemas:extension:spend:2.0:User': {
            reimbursementCurrency: 'USD',
            country: 'US',
            locale: 'en-US',
            cashAdvanceAccountCode: '1200',
          },
        }),
      },
      {
        method: 'POST',
        path: '/Users',
        bulkId: 'refused',
        // spec-shaped, refused all the same (another company): the failed operation's status is checked
        data: newUserBody(emu, 'spec.refused@northwind.example', {
          [ENT]: { companyId: OTHER, startDate: '2025-04-01' },
        }),
      },
      {
        method: 'PATCH',
        path: `/Users/${uid}`,
        bulkId: 'b2',
        data: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: 'Lead' }],
        },
      },
    ],
  });
  await api(emu, t, 'GET', `/profile/v4/provisions/${String(bulk.body.id)}/status?attributes=operations`);
  await api(emu, t, 'GET', `/profile/v4/provisions/${String(bulk.body.id)}/status`);
  const single = await api(emu, t, 'POST', '/profile/v4/Users', newUserBody(emu, 'single.person@northwind.example'));
  const refused = await api(
    emu,
    t,
    'POST',
    '/profile/v4/Users',
    newUserBody(emu, 'single.refused@northwind.example', { [ENT]: { companyId: OTHER, startDate: '2025-04-01' } }),
  );
  expect([single.status, refused.status]).toEqual([201, 400]);
  await api(emu, t, 'PATCH', `/profile/v4/Users/${uid}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'title', value: 'Manager' }],
  });
  const u = emu.state.users.get(uid)!;
  await api(emu, t, 'PUT', `/profile/v4/Users/${uid}`, {
    userName: u.userName,
    active: true,
    timezone: 'America/Chicago',
    preferredLanguage: 'en-US',
    name: u.name,
    emails: u.emails,
  });
  expect(lists.status).toBe(200);
}

describe('concur emulator against the official specs', () => {
  it('answers every route with bodies the specs accept, and accepts spec-shaped requests', async () => {
    await exerciseEveryRoute();
    const problems = checkExchanges(emu.requests);
    expect(problems).toEqual([]);
    const exercised = new Set(emu.requests.map((r) => r.route));
    const routes = ALL_ROUTES.map((r) => `${r.method} ${r.path}`);
    for (const key of routes) expect(Boolean(SPEC_MAP[key]) || Boolean(UNSPECIFIED[key]), key).toBe(true);
    const missing = routes.filter(
      (k) =>
        !exercised.has(k) &&
        !k.includes('/api/v4.0/fi/v4/') &&
        !k.startsWith('PATCH /profile/v4/Bulk') &&
        !k.startsWith('PUT /profile/v4/Bulk') &&
        k !== 'GET /profile/spend/v4.1/Users',
    );
    expect(missing).toEqual([]);
  });

  it('is not vacuous: a body that contradicts the spec is reported', () => {
    const registry = new SpecRegistry();
    expect(
      registry.check('v4-0/ListItemBulk.swagger2.json', 'BulkListItemResponse', {
        status: 'PARTIAL',
        recordsSucceeded: '1',
      }).length,
    ).toBeGreaterThan(0);
    expect(registry.check('v3-0/Reports.swagger2.json', 'ReportGet', { Total: 'twelve' }).length).toBeGreaterThan(0);
    expect(
      registry.check('v4-0/UserProvisioning.swagger2.json', 'ProvisionStatus', { id: 'x' }).length,
    ).toBeGreaterThan(0);
    expect(registry.check('draft/Oauth2-token.json', 'TokenErrorResponse', { code: 16 }).length).toBeGreaterThan(0);
    const ups = 'v4-0/UserProvisioning.swagger2.json';
    const user = newUserBody(emu, 'vacuous.check@northwind.example');
    expect(registry.check(ups, 'UserCreate', user)).toEqual([]);
    expect(registry.check(ups, 'UserCreate', { ...user, timezone: undefined }).length).toBeGreaterThan(0);
    expect(registry.check(ups, 'UserCreate', { ...user, [ENT]: { companyId: OTHER } }).length).toBeGreaterThan(0);
    // the documented posting confirmation (no spec schema): systemMessages and postingDocs[].companyId are required
    const confirmation = (item: Record<string, unknown>) =>
      registry.check('docs/financial-integration-v4.json', 'ConfirmationRequest', {
        systemId: '',
        postingConfirmations: [{ docId: 'd1', overallPostingStatusCode: 'success', ...item }],
      });
    expect(confirmation({ systemMessages: [], postingDocs: [{ companyId: 'C', postingDate: '2025-02-06' }] })).toEqual(
      [],
    );
    expect(confirmation({ postingDocs: [] }).length).toBeGreaterThan(0);
    expect(confirmation({ systemMessages: [], postingDocs: [{ documentNumber: '1' }] }).length).toBeGreaterThan(0);
    expect(
      confirmation({ systemMessages: [], postingDocs: [{ companyId: 'C', fiscalYear: 'FY25' }] }).length,
    ).toBeGreaterThan(0);
  });
});
