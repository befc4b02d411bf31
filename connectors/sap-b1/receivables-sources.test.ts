/**
 * The AR pipelines' sources: customers (business partners of type cCustomer) and invoices,
 * incremental by UpdateDate, so a payment that closes an invoice is read again as closed. What goes
 * over the wire is held against the $metadata (test/contract/).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTraffic, formatMismatches, type TestExchange } from '../../test/contract/check.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import type { ResourceOpener } from '../../engine/connector/dispatch.js';
import type { SapB1Connection } from './connection.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { openTestConnection, readAll } from './test-support.js';

describe('sap-b1 sources for the AR pipelines', () => {
  let emu: SapB1Emulator;
  let conn: SapB1Connection & ResourceOpener;
  let traffic: TestExchange[];
  beforeEach(async () => {
    emu = await startSapB1Emulator({ clock: new ManualClock(Date.UTC(2024, 6, 1, 9)) });
    traffic = [];
    emu.recordTraffic((x) => traffic.push({ ...x, system: 'sap-b1', test: 'receivables-sources' }));
    conn = await openTestConnection(emu);
  });
  afterEach(async () => {
    await conn.close();
    await emu.close();
    const mismatches = checkTraffic(traffic);
    expect(mismatches.length === 0 ? '' : formatMismatches(mismatches, 'receivables-sources')).toBe('');
  });

  it('customers: business partners of type cCustomer, incrementally by UpdateDate', async () => {
    const all = await readAll(conn.source('business-partners', { cardType: 'cCustomer' }).read({}));
    expect(all.records.map((r) => r.CardCode)).toEqual([
      'C3001',
      'C3002',
      'C3003',
      'C3004',
      'C3005',
      'C3006',
      'C3007',
      'C3008',
      'C3009',
      'C3010',
    ]);
    const since = await readAll(
      conn
        .source('business-partners', { cardType: 'cCustomer', select: ['CardName', 'CreditLimit'] })
        .read({ since: '2024-07-27', cursorField: 'UpdateDate' }),
    );
    expect(since.records.map((r) => [r.CardCode, r.CreditLimit])).toEqual([
      ['C3008', 60000],
      ['C3009', 45000],
      ['C3010', 35000],
    ]);
  });

  it('invoices: open ones by default; with includeClosed, a payment that closed one is read again as closed', async () => {
    const open = await readAll(conn.source('invoices', {}).read({}));
    expect(open.records).toHaveLength(12);
    expect(open.records[0]).toMatchObject({ DocEntry: 1, DocTotal: 1250, DocumentStatus: 'bost_Open' });
    const t = conn.target('incoming-payments', {}, { keyField: 'Reference2', mode: 'create' });
    const [paid] = await t.write([
      {
        op: 'create',
        key: 'PAY-1001',
        record: {
          DocType: 'rCustomer',
          CardCode: 'C3001',
          DocDate: '2024-07-01',
          TransferAccount: '1100',
          TransferSum: 1250,
          TransferDate: '2024-07-01',
          PaymentInvoices: [{ DocEntry: 1, SumApplied: 1250, InvoiceType: 'it_Invoice' }],
        },
      },
    ]);
    expect(paid?.ok).toBe(true);
    const changed = await readAll(
      conn
        .source('invoices', { includeClosed: true, select: ['DocNum', 'DocumentStatus', 'DocTotal'] })
        .read({ since: '2024-07-01', cursorField: 'UpdateDate' }),
    );
    expect(changed.records).toMatchObject([{ DocEntry: 1, DocumentStatus: 'bost_Close', UpdateDate: '2024-07-01' }]);
    expect((await readAll(conn.source('invoices', {}).read({}))).records).toHaveLength(11);
  });
});
