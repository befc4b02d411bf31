import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import type { WireExchange } from '../../../engine/emulator-kit/recorder.js';
import { startArPlatformEmulator, type ArPlatformEmulator } from './index.js';
import { call, tokenFor } from './testing.js';

const customer = { name: 'Kestrel Optics', currency: 'USD', country: 'US' };
const invoice = (customerExternalId: string, over: Record<string, unknown> = {}) => ({
  number: '10020',
  customerExternalId,
  currency: 'USD',
  amount: 1000,
  openAmount: 1000,
  issueDate: '2024-06-01',
  dueDate: '2024-07-01',
  ...over,
});

describe('AR-platform emulator API', () => {
  let emu: ArPlatformEmulator;
  let clock: ManualClock;
  let token: string;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2024, 6, 1, 12, 0, 0));
    emu = await startArPlatformEmulator({ clock, tokenTtlSeconds: 60 });
    token = await tokenFor(emu);
  });
  afterEach(async () => {
    await emu.close();
  });

  it('issues client-credentials tokens that expire on the emulator clock', async () => {
    const form = (secret: string, grant = 'client_credentials') =>
      fetch(emu.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=${grant}&client_id=sluice-demo&client_secret=${secret}`,
      });
    expect((await form('wrong')).status).toBe(401);
    expect(await (await form('wrong')).json()).toMatchObject({ error: 'invalid_client' });
    expect(await (await form('ar-demo-secret', 'password')).json()).toMatchObject({ error: 'unsupported_grant_type' });
    const basic = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sluice-demo:ar-demo-secret').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(await basic.json()).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect((await call(emu, undefined, 'GET', '/v1/customers')).json.error.code).toBe('unauthorized');
    expect((await call(emu, 'nope', 'GET', '/v1/customers')).json.error.code).toBe('invalid_token');
    expect((await call(emu, token, 'GET', '/v1/customers')).status).toBe(200);
    clock.advance(60_000);
    const expired = await call(emu, token, 'GET', '/v1/customers');
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('token_expired');
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(emu.counters.tokens).toBe(2);
  });

  it('upserts customers by external id; an unchanged upsert keeps updatedAt and commits nothing', async () => {
    const created = await call(emu, token, 'PUT', '/v1/customers/C3010', customer);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ externalId: 'C3010', status: 'active', id: 'cus_000007' });
    const mark = emu.events.mark();
    clock.advance(1000);
    const same = await call(emu, token, 'PUT', '/v1/customers/C3010', customer);
    expect(same.status).toBe(200);
    expect(same.json.updatedAt).toBe(created.json.updatedAt);
    expect(emu.events.all('committed', undefined, mark)).toEqual([]);
    const renamed = await call(emu, token, 'PUT', '/v1/customers/C3010', { ...customer, name: 'Kestrel Optics Ltd' });
    expect(renamed.json.updatedAt).toBe('2024-07-01T12:00:01.000Z');
    expect(emu.events.all('committed', undefined, mark)).toMatchObject([
      { resource: 'customers', ids: ['C3010'], action: 'update' },
    ]);
    const bad = await call(emu, token, 'PUT', '/v1/customers/C3011', { name: '', currency: 'usd', extra: 1 });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      '/currency',
      '/extra',
      '/name',
    ]);
    expect((await call(emu, token, 'PUT', '/v1/customers/C3011', { ...customer, externalId: 'X' })).status).toBe(422);
    expect((await call(emu, token, 'GET', '/v1/customers/NOPE')).json.error.code).toBe('customer_not_found');
  });

  it('upserts invoices by ERP document id: customer must exist, open amount within the amount, batches fail per item', async () => {
    expect((await call(emu, token, 'PUT', '/v1/invoices/20', invoice('C3999'))).json.error.code).toBe(
      'customer_not_found',
    );
    expect(
      (await call(emu, token, 'PUT', '/v1/invoices/20', invoice('C3001', { openAmount: 1000.01 }))).json.error.code,
    ).toBe('open_amount_exceeds_amount');
    const put = await call(emu, token, 'PUT', '/v1/invoices/20', invoice('C3001'));
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ erpDocumentId: '20', status: 'open', openAmount: 1000 });
    const batch = await call(emu, token, 'POST', '/v1/invoices/batch', {
      items: [
        { ...invoice('C3001', { openAmount: 0 }), erpDocumentId: '20' },
        { ...invoice('C3002'), erpDocumentId: '21' },
        { ...invoice('C3999'), erpDocumentId: '22' },
      ],
    });
    expect(batch.json.results).toMatchObject([
      { index: 0, erpDocumentId: '20', status: 200 },
      { index: 1, erpDocumentId: '21', status: 201 },
      { index: 2, erpDocumentId: '22', status: 422, error: { code: 'customer_not_found' } },
    ]);
    expect(emu.store.get('invoices', '20')?.status).toBe('closed');
    expect(emu.store.get('invoices', '22')).toBeUndefined();
    const open = await call(emu, token, 'GET', '/v1/invoices?status=open&customerExternalId=C3002&offset=0&limit=10');
    expect(open.json.data.map((i: { erpDocumentId: string }) => i.erpDocumentId)).toEqual(['2', '21']);
  });

  it('pages with offset/limit (total) and with a cursor / next link (Link header), filtered by updatedSince', async () => {
    const ids = (r: { json: { data: { id: string }[] } }) => r.json.data.map((p) => p.id);
    const first = await call(emu, token, 'GET', '/v1/payments?offset=0&limit=4');
    expect(first.json.paging).toEqual({ offset: 0, limit: 4, total: 9 });
    expect(ids(first)).toEqual(['PAY-1001', 'PAY-1002', 'PAY-1003', 'PAY-1004']);
    expect(ids(await call(emu, token, 'GET', '/v1/payments?offset=8&limit=4'))).toEqual(['PAY-1009']);

    const seen: string[] = [];
    let next: string | null = `${emu.url}/v1/payments?limit=4&status=matched`;
    let pages = 0;
    while (next) {
      const r = await call(emu, token, 'GET', next);
      seen.push(...ids(r));
      next = r.json.links.next as string | null;
      expect(r.headers.get('link')).toBe(next === null ? null : `<${next}>; rel="next"`);
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual([
      'PAY-1001',
      'PAY-1002',
      'PAY-1003',
      'PAY-1004',
      'PAY-1005',
      'PAY-1006',
      'PAY-1007',
      'PAY-1008',
    ]);

    const since = await call(emu, token, 'GET', '/v1/payments?updatedSince=2024-06-11T09:00:00Z');
    expect(ids(since)).toEqual(['PAY-1007', 'PAY-1008', 'PAY-1009']);
    expect(since.json.paging.nextCursor).toBeNull();
    emu.state.receivePayment({ ...emu.store.get('payments', 'PAY-1002')!, amount: 980.25 });
    expect(ids(await call(emu, token, 'GET', '/v1/payments?updatedSince=2024-07-01'))).toEqual(['PAY-1002']);

    expect((await call(emu, token, 'GET', '/v1/payments?cursor=garbage')).json.error.code).toBe('invalid_cursor');
    expect((await call(emu, token, 'GET', '/v1/payments?limit=101')).json.error.code).toBe('invalid_parameter');
    expect((await call(emu, token, 'GET', '/v1/payments?updatedSince=yesterday')).status).toBe(400);
    expect((await call(emu, token, 'GET', '/v1/payments?offset=1&cursor=x')).status).toBe(400);
  });

  it('a record changed while paging by cursor is seen again later, never skipped', async () => {
    const first = await call(emu, token, 'GET', '/v1/payments?limit=3');
    emu.state.receivePayment({ ...emu.store.get('payments', 'PAY-1001')!, bankReference: 'BANK-FIXED' });
    const rest: string[] = [];
    let next = first.json.links.next as string | null;
    while (next) {
      const r = await call(emu, token, 'GET', next);
      rest.push(...r.json.data.map((p: { id: string }) => p.id));
      next = r.json.links.next as string | null;
    }
    expect(rest.at(-1)).toBe('PAY-1001');
    expect(rest).toContain('PAY-1004');
  });

  it('payments carry remittance lines; deductions have reason codes and an approval decision', async () => {
    const partial = await call(emu, token, 'GET', '/v1/payments/PAY-1005');
    expect(partial.json.lines).toEqual([
      { invoiceRef: '2', invoiceNumber: '10002', appliedAmount: 3400.5 },
      { invoiceRef: '12', invoiceNumber: '10012', appliedAmount: 1875.35 },
    ]);
    const codes = await call(emu, token, 'GET', '/v1/deduction-reason-codes');
    expect(codes.json.data.map((c: { code: string }) => c.code)).toEqual([
      'PRICING',
      'DAMAGED',
      'SHORTAGE',
      'PROMO',
      'FREIGHT',
    ]);
    const approved = await call(emu, token, 'GET', '/v1/deductions?status=approved');
    expect(approved.json.data.map((d: { id: string }) => d.id)).toEqual(['DED-2001', 'DED-2002', 'DED-2005']);
    const ok = await call(emu, token, 'POST', '/v1/deductions/DED-2003/approve', { note: 'freight was ours' });
    expect(ok.json).toMatchObject({
      status: 'approved',
      approvedAt: '2024-07-01T12:00:00.000Z',
      note: 'freight was ours',
    });
    expect((await call(emu, token, 'POST', '/v1/deductions/DED-2003/approve')).status).toBe(200);
    expect((await call(emu, token, 'POST', '/v1/deductions/DED-2003/reject')).json.error.code).toBe(
      'deduction_already_decided',
    );
    expect((await call(emu, token, 'POST', '/v1/deductions/DED-9/reject')).status).toBe(404);
    expect(emu.events.all('committed', (e) => e.resource === 'deductions')).toMatchObject([
      { ids: ['DED-2003'], action: 'approve' },
    ]);
  });

  it('credit limits: a recalculation with the same value keeps updatedAt, a new value moves it', async () => {
    const before = (await call(emu, token, 'GET', '/v1/customers/C3001/credit-limit')).json;
    expect(before).toMatchObject({ creditLimit: 50000, updatedAt: '2024-06-20T02:00:00.000Z' });
    emu.state.recalculateCreditLimit('C3001', 50000);
    emu.state.recalculateCreditLimit('C3002', 32000);
    const changed = await call(emu, token, 'GET', '/v1/credit-limits?updatedSince=2024-07-01T00:00:00Z');
    expect(changed.json.data).toMatchObject([{ customerExternalId: 'C3002', creditLimit: 32000 }]);
    expect((await call(emu, token, 'GET', '/v1/customers/C3001/credit-limit')).json).toMatchObject({
      updatedAt: '2024-06-20T02:00:00.000Z',
      calculatedAt: '2024-07-01T12:00:00.000Z',
    });
    expect((await call(emu, token, 'GET', '/v1/customers/C3009/credit-limit')).json.error.code).toBe(
      'credit_limit_not_calculated',
    );
  });

  it('counts requests per route template', async () => {
    emu.counters.reset();
    await call(emu, token, 'GET', '/v1/payments/PAY-1001');
    await call(emu, token, 'GET', '/v1/payments/PAY-1002');
    await call(emu, token, 'GET', '/v1/nothing');
    const counters = await call(emu, undefined, 'GET', '/_emulator/counters');
    expect(counters.json).toEqual({
      total: 3,
      tokens: 0,
      requests: { 'GET /v1/payments/:id': 2, 'GET <unmatched>': 1 },
      inFlight: 0,
      maxInFlight: 1,
    });
    expect(emu.counters.log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'GET /v1/payments/PAY-1001 200',
      'GET /v1/payments/PAY-1002 200',
      'GET /v1/nothing 404',
    ]);
  });

  it('hands its traffic, as it went over the wire, to a recorder, the client secret redacted', async () => {
    const exchanges: WireExchange[] = [];
    const detach = emu.recordTraffic((x) => exchanges.push(x));
    try {
      const fresh = await tokenFor(emu);
      await call(emu, fresh, 'GET', '/v1/payments/PAY-1001');
    } finally {
      detach();
    }
    expect(exchanges.map((x) => [x.request.method, x.request.url, x.response?.status])).toEqual([
      ['POST', '/oauth/token', 200],
      ['GET', '/v1/payments/PAY-1001', 200],
    ]);
    expect(exchanges[0]!.request.body).toContain('client_secret=%5Bredacted%5D');
    expect(exchanges[0]!.request.body).not.toContain(emu.credentials.clientSecret);
    expect(exchanges[1]!.request.headers.authorization).toBe('Bearer [redacted]');
    expect(JSON.parse(exchanges[1]!.response!.body)).toMatchObject({ id: 'PAY-1001' });
  });
});
