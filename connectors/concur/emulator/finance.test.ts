import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConcurEmulator, type ConcurEmulator } from './index.js';
import { api, companyToken, raw } from './test-client.js';

const FIS = '/financialintegration/fi/v4/companies/transactiontypes/expense/transactions';
let emu: ConcurEmulator;
let token: string;

beforeAll(async () => {
  emu = await startConcurEmulator();
  token = (await companyToken(emu)).access;
});
afterAll(async () => {
  await emu.close();
});

describe('concur emulator: expense reports v3', () => {
  it('follows NextPage verbatim and filters by status and modified date', async () => {
    const seen: string[] = [];
    let url: string | null = `${emu.baseUrl}/api/v3.0/expense/reports?user=ALL&approvalStatusCode=A_APPR&limit=10`;
    while (url) {
      const res: { body: { Items: { ID: string; ApprovalStatusCode: string }[]; NextPage: string | null } } = await raw(
        url,
        { token },
      );
      for (const r of res.body.Items) {
        expect(r.ApprovalStatusCode).toBe('A_APPR');
        seen.push(r.ID);
      }
      url = res.body.NextPage;
    }
    expect(seen).toHaveLength(28);
    const recent = await api(
      emu,
      token,
      'GET',
      '/api/v3.0/expense/reports?user=ALL&modifiedDateAfter=2025-03-01T00:00:00',
    );
    expect(recent.body.Items.length).toBeGreaterThan(0);
    expect(recent.body.Items.every((r: { LastModifiedDate: string }) => r.LastModifiedDate >= '2025-03-01')).toBe(true);
    expect((await api(emu, token, 'GET', '/api/v3.0/expense/reports')).body.Items).toEqual([]);
  });

  it('serves entries and allocations of a report', async () => {
    const report = [...emu.state.reports.values()][2]!;
    const entries = await api(emu, token, 'GET', `/api/v3.0/expense/entries?reportID=${String(report.ID)}`);
    expect(entries.body.Items.length).toBeGreaterThan(1);
    const allocations = await api(
      emu,
      token,
      'GET',
      `/api/v3.0/expense/allocations?reportID=${String(report.ID)}&limit=100`,
    );
    expect(allocations.body.Items.length).toBeGreaterThanOrEqual(entries.body.Items.length);
  });
});

describe('concur emulator: invoice v3', () => {
  it('lists digests under both envelope keys and wraps line items XML-style', async () => {
    const digests = await api(emu, token, 'GET', '/api/v3.0/invoice/paymentrequestdigests?approvalStatus=A_APPR');
    expect(digests.body.Items).toHaveLength(10);
    expect(digests.body.PaymentRequestDigest).toEqual(digests.body.Items);
    const single = [...emu.state.paymentRequests.values()][3]!;
    const pr = await api(emu, token, 'GET', `/api/v3.0/invoice/paymentrequest/${String(single.ID)}`);
    expect(Array.isArray(pr.body.LineItems.LineItem)).toBe(false);
    expect(pr.body).not.toHaveProperty('_meta');
  });

  it('creates, updates and deletes vendors with a per-record StatusList', async () => {
    const created = await api(emu, token, 'POST', '/api/v3.1/invoice/vendors', {
      Vendor: [
        {
          VendorCode: 'V2013',
          AddressCode: 'MAIN',
          VendorName: 'Meridian Travel',
          CountryCode: 'US',
          CurrencyCode: 'USD',
        },
        { VendorCode: 'V2001', AddressCode: 'MAIN', VendorName: 'Dup', CountryCode: 'US', CurrencyCode: 'USD' },
        { VendorCode: 'V2014', AddressCode: 'MAIN' },
      ],
    });
    expect(created.status).toBe(200);
    expect(created.body.Vendor.map((v: { StatusList: { Type: string }[] }) => v.StatusList[0]!.Type)).toEqual([
      'SUCCESS',
      'ERROR',
      'ERROR',
    ]);
    expect(created.body.Vendor[2].StatusList[0].RecordNumber).toBe(3);
    const search = await api(emu, token, 'GET', '/api/v3.1/invoice/vendors?vendorCode=V2013&addressCode=MAIN');
    expect(search.body.Vendor[0].VendorName).toBe('Meridian Travel');
    const del = await api(emu, token, 'DELETE', '/api/v3.1/invoice/vendors?vendorCode=V2013&addressCode=MAIN');
    expect(del.body.Vendor[0].StatusList[0].Type).toBe('SUCCESS');
    const missing = await api(emu, token, 'DELETE', '/api/v3.1/invoice/vendors?vendorCode=V2013');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ Message: 'vendorCode and addressCode are required' });
  });
});

describe('concur emulator: FIS v4', () => {
  it('lists READY documents, acknowledges, confirms posting and moves docStatus along', async () => {
    const page = await api(emu, token, 'GET', `${FIS}?page=0&limit=5`);
    expect(page.body.content).toHaveLength(5);
    expect(page.body.page.totalElements).toBe(28);
    expect(page.body.links.map((l: { rel: string }) => l.rel)).toEqual(['first', 'self', 'next', 'last']);
    const [a, b] = page.body.content as { id: string }[];
    const notAcked = await api(emu, token, 'POST', `${FIS}/postingconfirmations`, {
      systemId: 'ERP1',
      postingConfirmations: [{ docId: a!.id, overallPostingStatusCode: 'success', systemMessages: [] }],
    });
    expect(notAcked.body[0]).toMatchObject({ code: 111, postingConfirmationResult: 'NOT_YET_ACKNOWLEDGED' });
    emu.state.fisDocuments.get(b!.id)!.docStatus = 'RECALLED';
    const ack = await api(emu, token, 'POST', `${FIS}/acknowledgements`, {
      systemId: 'ERP1',
      ids: [a!.id, b!.id, a!.id],
    });
    expect(ack.body.map((r: { code: number }) => r.code)).toEqual([0, 102, 101]);
    expect((await api(emu, token, 'GET', `${FIS}?limit=100`)).body.page.totalElements).toBe(26);
    const confirm = await api(emu, token, 'POST', `${FIS}/postingconfirmations`, {
      systemId: 'ERP1',
      postingConfirmations: [
        {
          docId: a!.id,
          overallPostingStatusCode: 'success',
          postingDocs: [{ companyId: 'NWI', documentNumber: '4711', fiscalYear: '2025', postingDate: '2025-03-01' }],
          systemMessages: [],
        },
      ],
    });
    expect(confirm.body[0]).toMatchObject({ code: 0, postingConfirmationResult: 'SUCCESS' });
    expect(emu.state.fisDocuments.get(a!.id)!.docStatus).toBe('POSTING_CONFIRMED_SUCCESS');
    const twice = await api(emu, token, 'POST', `${FIS}/postingconfirmations`, {
      systemId: 'ERP1',
      postingConfirmations: [{ docId: a!.id, overallPostingStatusCode: 'success', systemMessages: [] }],
    });
    expect(twice.body[0].code).toBe(113);
    const sourceId = emu.state.fisDocuments.get(a!.id)!.sourceId;
    const reread = await api(emu, token, 'GET', `${FIS}?docId=${sourceId}&ignoreDocumentStatus=yes`);
    expect(reread.body.content.map((d: { docStatus: string }) => d.docStatus)).toEqual(['POSTING_CONFIRMED_SUCCESS']);
  });

  it('refuses, per document with code 198, a confirmation the documented schema forbids, and keeps one it accepts as sent', async () => {
    const page = await api(emu, token, 'GET', `${FIS}?page=0&limit=6`);
    const ids = (page.body.content as { id: string }[]).map((d) => d.id);
    await api(emu, token, 'POST', `${FIS}/acknowledgements`, { systemId: 'ERP2', ids });
    const doc = (companyId: string, more: Record<string, unknown> = {}) => ({
      companyId,
      documentNumber: '4712',
      fiscalYear: '2025',
      postingDate: '2025-02-06',
      paymentRelevantLineItems: [],
      ...more,
    });
    const item = (i: number, more: Record<string, unknown>) => ({
      docId: ids[i],
      overallPostingStatusCode: 'success',
      systemMessages: [],
      ...more,
    });
    const res = await api(emu, token, 'POST', `${FIS}/postingconfirmations`, {
      systemId: 'ERP2',
      postingConfirmations: [
        item(0, { postingDocs: [doc('')] }),
        item(1, { postingDocs: [doc('NWI', { postingDate: '2025-02-30' })] }),
        item(2, { postingDocs: [doc('NWI', { fiscalYear: 'FY2025' })] }),
        { docId: ids[3], overallPostingStatusCode: 'success', postingDocs: [doc('NWI')] },
        item(4, { postingDocs: [doc('NWI', { fiscalYear: 2025 })] }),
        item(5, { postingDocs: [doc('NWI')] }),
      ],
    });
    expect(res.body.map((r: { code: number }) => r.code)).toEqual([198, 198, 198, 198, 0, 0]);
    expect(res.body[0].errorMessage).toBe('postingDocs[0].companyId is required');
    expect(res.body[1].errorMessage).toMatch(/postingDate "2025-02-30" is not a date/);
    expect(res.body[3].errorMessage).toMatch(/systemMessages is required/);
    const state = (i: number) => emu.state.fisDocuments.get(ids[i]!)!;
    expect([0, 1, 2, 3].map((i) => state(i).docStatus)).toEqual(Array(4).fill('ACKNOWLEDGED'));
    expect(state(5).postingConfirmation).toEqual(item(5, { postingDocs: [doc('NWI')] }));
    expect(state(4).postingConfirmation?.postingDocs).toEqual([doc('NWI', { fiscalYear: 2025 })]);

    const noSystem = await api(emu, token, 'POST', `${FIS}/postingconfirmations`, {
      postingConfirmations: [item(0, { postingDocs: [doc('NWI')] })],
    });
    expect(noSystem.status).toBe(400);
    expect(noSystem.body).toEqual({ message: 'systemId is required (it can be an empty string)' });
    expect(state(0).docStatus).toBe('ACKNOWLEDGED');
  });
});
