import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

const pay = (cardCode: string, invoice: number, sum: number, ref = 'PAY-1') => ({
  DocType: 'rCustomer',
  CardCode: cardCode,
  DocDate: '2024-06-03',
  TransferAccount: '1100',
  TransferSum: sum,
  TransferDate: '2024-06-03',
  CounterReference: ref,
  PaymentInvoices: [{ DocEntry: invoice, SumApplied: sum, InvoiceType: 'it_Invoice' }],
});

describe('emulator receivables: invoices, incoming payments, credit notes', () => {
  let emu: SapB1Emulator;
  let c: TestClient;
  beforeEach(async () => {
    emu = await startSapB1Emulator({ clock: new ManualClock(Date.UTC(2024, 6, 1, 9, 30)) });
    c = testClient(emu, 'v1');
    await c.login();
  });
  afterEach(async () => {
    await emu.close();
  });

  it('refuses payments to an unknown or closed invoice, and above the open amount (400 -10)', async () => {
    const unknown = await c.request('POST', 'IncomingPayments', { body: pay('C3009', 999, 640) });
    expect([unknown.status, unknown.json.error.code]).toEqual([400, -10]);
    expect(unknown.json.error.message.value).toBe('Invalid document 999 [PaymentInvoices.DocEntry][line: 1]');
    expect(emu.state.Invoices.get('14')?.DocumentStatus).toBe('bost_Close');
    const closed = await c.request('POST', 'IncomingPayments', { body: pay('C3004', 14, 3150) });
    expect(closed.json.error.message.value).toBe('Document 14 is already closed [PaymentInvoices.DocEntry][line: 1]');
    const over = await c.request('POST', 'IncomingPayments', { body: pay('C3005', 5, 8000) });
    expect(over.json.error.message.value).toMatch(/^Applied amount exceeds the open amount of document 5/);
    expect(emu.state.IncomingPayments.size).toBe(0);
    expect(emu.state.Invoices.get('5')?.DocumentStatus).toBe('bost_Open');
  });

  it('a payment that settles the invoice closes it and stamps its UpdateDate (incremental reads see it)', async () => {
    expect(emu.state.Invoices.get('1')?.UpdateDate).toBe('2024-03-04');
    expect((await c.request('POST', 'IncomingPayments', { body: pay('C3001', 1, 1000) })).status).toBe(201);
    expect(emu.state.Invoices.get('1')).toMatchObject({ DocumentStatus: 'bost_Open', UpdateDate: '2024-07-01' });
    expect((await c.request('POST', 'IncomingPayments', { body: pay('C3001', 1, 250, 'PAY-2') })).status).toBe(201);
    const changed = await c.request(
      'GET',
      "Invoices?$filter=UpdateDate ge '2024-07-01'&$select=DocEntry,DocumentStatus",
    );
    expect(changed.json.value).toMatchObject([{ DocEntry: 1, DocumentStatus: 'bost_Close' }]);
    expect(
      (await c.request('POST', 'IncomingPayments', { body: pay('C3001', 1, 1, 'PAY-3') })).json.error.message.value,
    ).toMatch(/already closed/);
  });

  it('a credit note against an invoice reduces its open amount; the rest of the payment then closes it', async () => {
    const note = await c.request('POST', 'CreditNotes', {
      body: {
        CardCode: 'C3006',
        NumAtCard: 'DED-2001',
        DocumentLines: [{ AccountCode: '4000', LineTotal: 60.4, BaseType: 13, BaseEntry: 6, BaseLine: 0 }],
      },
    });
    expect(note.status, JSON.stringify(note.json)).toBe(201);
    expect(
      (await c.request('POST', 'IncomingPayments', { body: pay('C3006', 6, 500.01) })).json.error.message.value,
    ).toMatch(/exceeds the open amount of document 6/);
    expect((await c.request('POST', 'IncomingPayments', { body: pay('C3006', 6, 500) })).status).toBe(201);
    expect(emu.state.Invoices.get('6')?.DocumentStatus).toBe('bost_Close');
    const tooMuch = await c.request('POST', 'CreditNotes', {
      body: {
        CardCode: 'C3007',
        DocumentLines: [{ AccountCode: '4000', LineTotal: 2300.01, BaseType: 13, BaseEntry: 7 }],
      },
    });
    expect(tooMuch.json.error.message.value).toMatch(/exceeds the open amount of invoice 7/);
    const closedBase = await c.request('POST', 'CreditNotes', {
      body: { CardCode: 'C3006', DocumentLines: [{ AccountCode: '4000', LineTotal: 1, BaseType: 13, BaseEntry: 6 }] },
    });
    expect(closedBase.json.error.message.value).toMatch(/Base document 6 is closed/);
  });

  it('amounts applied to an invoice and to a credit note with the same DocEntry are kept apart', async () => {
    const note = await c.request('POST', 'CreditNotes', {
      body: { CardCode: 'C3001', DocumentLines: [{ AccountCode: '4000', LineTotal: 10 }] },
    });
    expect(note.json.DocEntry).toBe(1);
    expect((await c.request('POST', 'IncomingPayments', { body: pay('C3001', 1, 100) })).status).toBe(201);
    expect((await c.request('POST', 'CreditNotes(1)/Cancel')).status).toBe(204);
    expect((await c.request('POST', 'Invoices(1)/Cancel')).json.error.message.value).toMatch(
      /payments or credits applied/,
    );
  });

  it('documents cannot be deleted (400 -5006)', async () => {
    expect((await c.request('POST', 'IncomingPayments', { body: pay('C3001', 1, 100) })).status).toBe(201);
    const note = { CardCode: 'C3001', DocumentLines: [{ AccountCode: '4000', LineTotal: 10 }] };
    expect((await c.request('POST', 'CreditNotes', { body: note })).status).toBe(201);
    for (const path of ['Invoices(1)', 'IncomingPayments(1)', 'CreditNotes(1)'])
      expect((await c.request('DELETE', path)).json.error.code).toBe(-5006);
    expect([emu.state.Invoices.size, emu.state.IncomingPayments.size, emu.state.CreditNotes.size]).toEqual([14, 1, 1]);
  });
});
