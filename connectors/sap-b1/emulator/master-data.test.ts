import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

describe('emulator master data and documents', () => {
  let emu: SapB1Emulator;
  let c: TestClient;
  let v1: TestClient;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    c = testClient(emu, 'v2');
    v1 = testClient(emu, 'v1');
    await c.login();
    await v1.login();
  });
  afterEach(async () => {
    await emu.close();
  });

  it('seeds the demo company', () => {
    expect(emu.state.BusinessPartners.get('E1034')).toMatchObject({ CardType: 'cSupplier', CardName: 'Hana Yamada' });
    expect(emu.state.BusinessPartners.has('E1035')).toBe(false);
    expect(emu.state.EmployeesInfo.size).toBe(36);
    expect(emu.state.ProfitCenters.get('CC210')).toMatchObject({
      CenterName: 'Quality',
      CostCenterType: 'RND',
      InWhichDimension: 1,
    });
    expect(emu.state.DistributionRules.get('CC210')).toMatchObject({ TotalFactor: 100, InWhichDimension: 1 });
    expect([...emu.state.Projects.values()].filter((p) => p.Active === 'tYES')).toHaveLength(26);
    expect([...emu.state.Invoices.values()].filter((i) => i.DocumentStatus === 'bost_Open')).toHaveLength(12);
    expect([...emu.state.BusinessPartners.values()].filter((b) => b.CardType === 'cCustomer')).toHaveLength(10);
  });

  it("business partners: 201, duplicate 400 -10 with SAP's text, PATCH 204 ignoring read-only fields", async () => {
    const body = { CardCode: 'c1', CardName: 'customer c1', CardType: 'cCustomer' };
    const res = await c.request('POST', 'BusinessPartners', { body });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ CardCode: 'c1', DebitorAccount: '1200', Valid: 'tYES' });
    const dup = await v1.request('POST', 'BusinessPartners', { body });
    expect(dup.status).toBe(400);
    expect(dup.json.error).toEqual({
      code: -10,
      message: {
        lang: 'en-us',
        value:
          "1320000140 - Business partner code 'c1' already assigned to a business partner; enter a unique business partner code",
      },
    });
    const patch = await c.request('PATCH', "BusinessPartners('c1')", {
      body: { CreditLimit: 2500, CurrentAccountBalance: 999 },
    });
    expect(patch.status).toBe(204);
    expect(emu.state.BusinessPartners.get('c1')).toMatchObject({ CreditLimit: 2500, CurrentAccountBalance: 0 });
    expect((await c.request('PATCH', "BusinessPartners('c1')", { body: { CardCode: 'c2' } })).status).toBe(400);
  });

  it('ETag: GET carries it as header and annotation; a stale If-Match gets 412 -2039; * and the current one pass', async () => {
    const got = await c.request('GET', "BusinessPartners('C3002')");
    const etag = got.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9A-F]{40}"$/);
    expect(got.json['@odata.etag']).toBe(etag);
    expect((await v1.request('GET', "BusinessPartners('C3002')")).json['odata.etag']).toBe(etag);
    expect(
      (
        await c.request('PATCH', "BusinessPartners('C3002')", {
          body: { CreditLimit: 1 },
          headers: { 'If-Match': etag! },
        })
      ).status,
    ).toBe(204);
    const stale = await c.request('PATCH', "BusinessPartners('C3002')", {
      body: { CreditLimit: 2 },
      headers: { 'If-Match': etag! },
    });
    expect(stale.status).toBe(412);
    expect(stale.json.error.code).toBe('-2039');
    expect(
      (
        await c.request('PATCH', "BusinessPartners('C3002')", {
          body: { CreditLimit: 3 },
          headers: { 'If-Match': '*' },
        })
      ).status,
    ).toBe(204);
  });

  it('a business partner with transactions cannot be deleted; one without can', async () => {
    expect((await c.request('DELETE', "BusinessPartners('C3001')")).status).toBe(400);
    await c.request('POST', 'BusinessPartners', { body: { CardCode: 'TMP1', CardName: 'temp' } });
    expect((await c.request('DELETE', "BusinessPartners('TMP1')")).status).toBe(204);
    expect(emu.state.BusinessPartners.has('TMP1')).toBe(false);
  });

  it('profit centers: POST creates the same-code distribution rule, usable in CostingCode at once', async () => {
    const pc = await c.request('POST', 'ProfitCenters', {
      body: { CenterCode: 'CC500', CenterName: 'Research Lab', CostCenterType: 'RND' },
    });
    expect(pc.status).toBe(201);
    expect(emu.state.DistributionRules.get('CC500')).toMatchObject({
      FactorDescription: 'Research Lab',
      InWhichDimension: 1,
      Active: 'tYES',
    });
    const je = await c.request('POST', 'JournalEntries', {
      body: {
        JournalEntryLines: [
          { AccountCode: '6900', Debit: 5, CostingCode: 'CC500' },
          { AccountCode: '1100', Credit: 5 },
        ],
      },
    });
    expect(je.status, je.text).toBe(201);
    expect(
      (
        await c.request('POST', 'ProfitCenters', {
          body: { CenterCode: 'CC600', CenterName: 'x', InWhichDimension: 2 },
        })
      ).json.error.message,
    ).toMatch(/not active/);
    expect(
      (await c.request('POST', 'ProfitCenters', { body: { CenterCode: 'CC500', CenterName: 'again' } })).status,
    ).toBe(400);
    expect(
      (await c.request('POST', 'ProfitCenters', { body: { CenterCode: 'TOOLONGCODE', CenterName: 'x' } })).json.error
        .message,
    ).toMatch(/maximum 8/);
    expect((await c.request('PATCH', "ProfitCenters('CC500')", { body: { Active: 'tNO' } })).status).toBe(204);
    expect(emu.state.DistributionRules.get('CC500')?.Active).toBe('tNO');
  });

  it('projects: create, duplicate, deactivate; dimensions cannot be created', async () => {
    expect((await c.request('POST', 'Projects', { body: { Code: 'P2001', Name: 'New project' } })).status).toBe(201);
    expect(emu.state.Projects.get('P2001')?.Active).toBe('tYES');
    expect((await c.request('POST', 'Projects', { body: { Code: 'P2001', Name: 'Again' } })).json.error.code).toBe(
      '-10',
    );
    expect((await c.request('PATCH', "Projects('P2001')", { body: { Active: 'N' } })).status).toBe(204);
    expect(emu.state.Projects.get('P2001')?.Active).toBe('tNO');
    expect((await c.request('POST', 'Dimensions', { body: { DimensionCode: 6 } })).json.error.code).toBe('-5006');
  });

  it('incoming payments apply to open invoices, close them when paid, and refuse overpayment', async () => {
    const invoice = emu.state.Invoices.get('3')!;
    expect(invoice).toMatchObject({ CardCode: 'C3003', DocTotal: 980.25 });
    const pay = (sum: number) => ({
      DocType: 'rCustomer',
      CardCode: 'C3003',
      DocDate: '2024-05-02',
      TransferAccount: '1100',
      TransferSum: sum,
      TransferDate: '2024-05-02',
      TransferReference: 'BANK-1',
      Reference2: 'PAY-1',
      PaymentInvoices: [{ DocEntry: 3, SumApplied: sum, InvoiceType: 'it_Invoice' }],
    });
    const part = await c.request('POST', 'IncomingPayments', { body: pay(500) });
    expect(part.status, part.text).toBe(201);
    expect(part.json).toMatchObject({ DocEntry: 1, DocNum: 1, Cancelled: 'tNO', DocType: 'rCustomer' });
    expect(emu.state.Invoices.get('3')?.DocumentStatus).toBe('bost_Open');
    expect((await c.request('POST', 'IncomingPayments', { body: pay(480.26) })).json.error.message).toMatch(
      /exceeds the open amount/,
    );
    expect((await c.request('POST', 'IncomingPayments', { body: pay(480.25) })).status).toBe(201);
    expect(emu.state.Invoices.get('3')?.DocumentStatus).toBe('bost_Close');
    expect(
      (await c.request('POST', 'IncomingPayments', { body: { ...pay(1), CardCode: 'C3001' } })).json.error.message,
    ).toMatch(/another business partner/);
    expect((await c.request('DELETE', 'IncomingPayments(1)')).json.error.code).toBe('-5006');
    expect((await c.request('POST', 'IncomingPayments(1)/Cancel')).status).toBe(204);
    expect(emu.state.Invoices.get('3')?.DocumentStatus).toBe('bost_Open');
  });

  it('credit notes: service lines for a customer; based on an invoice they reduce what is open', async () => {
    const body = {
      CardCode: 'C3004',
      NumAtCard: 'CN-1',
      DocumentLines: [{ AccountCode: '4000', LineTotal: 200, BaseType: 13, BaseEntry: 4, BaseLine: 0 }],
    };
    const res = await c.request('POST', 'CreditNotes', { body });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      DocEntry: 1,
      DocTotal: 200,
      DocumentStatus: 'bost_Open',
      CardName: 'Dynamo Automotive',
    });
    expect(
      (await c.request('POST', 'CreditNotes', { body: { ...body, CardCode: 'V2001' } })).json.error.message,
    ).toMatch(/not a customer/);
    expect(
      (
        await c.request('POST', 'CreditNotes', {
          body: { CardCode: 'C3004', DocumentLines: [{ ItemCode: 'I1', Quantity: 1 }] },
        })
      ).json.error.message,
    ).toMatch(/Invalid item code/);
    expect((await c.request('DELETE', 'CreditNotes(1)')).json.error.code).toBe('-5006');
  });

  it('rejects wrongly typed values and unknown enum values with 400 -1000', async () => {
    const bad = await c.request('POST', 'BusinessPartners', {
      body: { CardCode: 'X1', CardName: 'x', CreditLimit: 'lots' },
    });
    expect(bad.json.error).toEqual({
      code: '-1000',
      message: "Property 'CreditLimit' of 'BusinessPartner' is invalid",
    });
    const en = await c.request('POST', 'BusinessPartners', {
      body: { CardCode: 'X1', CardName: 'x', CardType: 'cVendor' },
    });
    expect(en.json.error.message).toMatch(/Enumeration value 'cVendor'/);
  });
});
