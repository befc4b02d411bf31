import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from '../emulator/index.js';
import type { ResourceOpener } from '../../../engine/connector/dispatch.js';
import type { SapB1Connection } from '../connection.js';
import { sapB1Connector } from '../index.js';
import { openTestConnection } from '../test-support.js';
import { paymentProblems } from './incoming-payments.def.js';

const payment = (invoice: number, sum: number) => ({
  DocType: 'rCustomer',
  CardCode: 'C3005',
  DocDate: '2024-05-02',
  TransferAccount: '1100',
  TransferSum: sum,
  TransferDate: '2024-05-02',
  PaymentInvoices: [{ DocEntry: invoice, SumApplied: sum, InvoiceType: 'it_Invoice' }],
});

describe('incoming-payments and credit-notes targets', () => {
  let emu: SapB1Emulator;
  let conn: SapB1Connection & ResourceOpener;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    conn = await openTestConnection(emu);
  });
  afterEach(async () => {
    await conn.close();
    await emu.close();
  });

  it('applies a payment to an open invoice; the dedupe key goes into Reference2; existing payments are locked', async () => {
    const t = conn.target('incoming-payments', {}, { keyField: 'Reference2', mode: 'create' });
    const invoice = emu.state.Invoices.get('5')!;
    expect(invoice).toMatchObject({ CardCode: 'C3005', DocumentStatus: 'bost_Open' });
    const [outcome] = await t.write([
      { op: 'create', key: 'BANK-2024-05-02-1', record: payment(5, invoice.DocTotal as number) },
    ]);
    expect(outcome).toEqual({ key: 'BANK-2024-05-02-1', ok: true, id: '1' });
    expect(emu.state.IncomingPayments.get('1')).toMatchObject({ Reference2: 'BANK-2024-05-02-1', TransferSum: 7420 });
    expect(emu.state.Invoices.get('5')?.DocumentStatus).toBe('bost_Close');
    const found = (await t.lookup(['BANK-2024-05-02-1'])).get('BANK-2024-05-02-1');
    expect(found?.locked).toMatch(/incoming payment 1 .* is posted/);
    expect(await t.write([{ op: 'create', key: 'BANK-2024-05-02-1', record: payment(5, 1) }])).toEqual([
      { key: 'BANK-2024-05-02-1', ok: true, id: '1' },
    ]);
    expect(emu.state.IncomingPayments.size).toBe(1);
  });

  it('a payment whose answer was lost is found, not paid twice', async () => {
    const t = conn.target('incoming-payments', {}, { keyField: 'Reference2', mode: 'create' });
    emu.faults.add({ method: 'POST', path: 'IncomingPayments', kind: 'drop-after-commit' });
    expect(await t.write([{ op: 'create', key: 'BANK-9', record: payment(5, 100) }])).toEqual([
      { key: 'BANK-9', ok: true, id: '1' },
    ]);
    expect(emu.state.IncomingPayments.size).toBe(1);
  });

  it('checks payments before sending them', () => {
    expect(paymentProblems(payment(5, 10))).toEqual([]);
    expect(paymentProblems({ ...payment(5, 10), TransferSum: 5 })).toEqual([
      'applied 10.00 exceeds the payment total 5.00',
    ]);
    expect(paymentProblems({ CardCode: 'C1', PaymentInvoices: [{ DocEntry: '5', SumApplied: 0 }] })).toEqual([
      'PaymentInvoices line 1: DocEntry must be an integer',
      'PaymentInvoices line 1: SumApplied must be a positive number',
      'the payment has no amount (CashSum, TransferSum, checks or credit cards)',
    ]);
  });

  it('an overpayment SAP refuses fails alone, not retryable', async () => {
    const t = conn.target('incoming-payments', {}, { keyField: 'Reference2', mode: 'create' });
    const [bad] = await t.write([{ op: 'create', key: 'BANK-X', record: payment(5, 99999) }]);
    expect(bad?.error).toMatchObject({ code: 'SAP_B1_BUSINESS_RULE', retryable: false });
    expect(bad?.error?.message).toMatch(/exceeds the open amount/);
  });

  it('creates credit notes keyed by NumAtCard (or another reference field)', async () => {
    const t = conn.target('credit-notes', {}, { keyField: 'NumAtCard', mode: 'create' });
    const record = {
      CardCode: 'C3006',
      DocDate: '2024-05-03',
      DocumentLines: [{ AccountCode: '4000', LineTotal: 60.4, BaseType: 13, BaseEntry: 6, BaseLine: 0 }],
    };
    expect(await t.write([{ op: 'create', key: 'RMA-77', record }])).toEqual([{ key: 'RMA-77', ok: true, id: '1' }]);
    expect(emu.state.CreditNotes.get('1')).toMatchObject({ NumAtCard: 'RMA-77', DocTotal: 60.4 });
    expect((await t.lookup(['RMA-77'])).get('RMA-77')?.locked).toMatch(/credit note 1/);
    const byComments = conn.target(
      'credit-notes',
      { referenceField: 'Comments' },
      { keyField: undefined, mode: 'create' },
    );
    expect(
      (
        await byComments.write([
          {
            op: 'create',
            key: 'RMA-78',
            record: { ...record, DocumentLines: [{ AccountCode: '4000', LineTotal: 5 }] },
          },
        ])
      )[0]?.ok,
    ).toBe(true);
    expect(emu.state.CreditNotes.get('2')?.Comments).toBe('RMA-78');
    expect(sapB1Connector.resources['credit-notes']!.check!({ CardCode: 'C3006', DocumentLines: [] })).toEqual([
      'DocumentLines needs at least one line',
    ]);
  });

  it('refuses modes other than create', () => {
    expect(() => conn.target('incoming-payments', {}, { keyField: 'Reference2', mode: 'upsert' })).toThrow(
      /supports mode create, not upsert/,
    );
    expect(() => conn.target('invoices', {}, { keyField: 'DocEntry', mode: 'create' })).toThrow(
      /no target resource "invoices"/,
    );
  });
});
