/**
 * `prepareRecords` of journal-entries against the emulator's demo company (USD; 6130 and partner
 * E1008 take all currencies, 6140 and E1016 EUR, the rest USD; EUR 1.08 every day; 2023 locked).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataRecord, PreparedRecord, TargetResource } from '../../../engine/connector/types.js';
import type { ResourceOpener } from '../../../engine/connector/dispatch.js';
import type { SapB1Connection } from '../connection.js';
import { sapB1Connector } from '../index.js';
import { startSapB1Emulator, type SapB1Emulator } from '../emulator/index.js';
import { openTestConnection } from '../test-support.js';
import { memoWithDate } from './journal-periods.js';

type Ok = Extract<PreparedRecord, { ok: true }>;
const je = (ref: string, date: string, lines: DataRecord[], memo = 'Trip to Lyon'): DataRecord => ({
  Reference: ref,
  ReferenceDate: date,
  Memo: memo,
  JournalEntryLines: lines,
});
const eur = (account: DataRecord, side: 'FCDebit' | 'FCCredit', amount: number): DataRecord => ({
  ...account,
  FCCurrency: 'EUR',
  [side]: amount,
});

describe('journal-entries prepareRecords', () => {
  let emu: SapB1Emulator;
  let conn: SapB1Connection & ResourceOpener;
  let target: TargetResource;
  const open = (options: DataRecord = {}): TargetResource =>
    conn.target('journal-entries', options, { keyField: 'Reference', mode: 'create' });
  const prepare = async (records: DataRecord[], t = target): Promise<PreparedRecord[]> => t.prepareRecords!(records);
  const calls = (op: string): number => emu.counters.requests[op] ?? 0;

  beforeEach(async () => {
    emu = await startSapB1Emulator();
    conn = await openTestConnection(emu);
    target = open();
  });
  afterEach(async () => {
    await conn.close();
    await emu.close();
  });

  it('a local-currency entry in an open period is left as it is; periods are read once per run', async () => {
    const record = je('L-1', '2025-02-06', [
      { AccountCode: '6110', Debit: 10 },
      { ShortName: 'E1001', Credit: 10 },
    ]);
    expect(await prepare([record])).toEqual([{ ok: true, record }]);
    await prepare([{ ...record, Reference: 'L-2' }]);
    expect(calls('POST CompanyService_GetPeriods')).toBe(1);
    expect(calls('POST CompanyService_GetFinancePeriods')).toBe(8); // 2023..2030
    expect(calls('POST SBOBobService_GetCurrencyRate')).toBe(0);
  });

  it('EUR lines keep EUR on accounts and partners that take it and post USD elsewhere, at the SAP rate of the day', async () => {
    emu.company.setRate('EUR', '2025-02-21', 1.0832);
    const lines = [
      eur({ AccountCode: '6130', LineMemo: 'Meals' }, 'FCDebit', 608.91), // ## account
      eur({ AccountCode: '6120', LineMemo: 'Lodging' }, 'FCDebit', 284.27), // USD account
      eur({ ShortName: 'E1008' }, 'FCCredit', 608.91), // ## partner
      eur({ ShortName: 'E1024' }, 'FCCredit', 284.27), // USD partner
    ];
    const [r] = (await prepare([je('EUR-1', '2025-02-21', lines)])) as [Ok];
    expect(r.ok).toBe(true);
    expect(r.record.JournalEntryLines).toEqual([
      { AccountCode: '6130', LineMemo: 'Meals', FCCurrency: 'EUR', FCDebit: 608.91, Debit: 659.57 },
      { AccountCode: '6120', LineMemo: 'Lodging', Debit: 307.92 },
      { ShortName: 'E1008', FCCurrency: 'EUR', FCCredit: 608.91, Credit: 659.57 },
      { ShortName: 'E1024', Credit: 307.92 },
    ]);
    expect(r.notes).toEqual([
      'EUR converted at the SAP B1 rate 1.0832 of 2025-02-21: lines 2, 4 posted in USD (6120, E1024 not in EUR); lines 1, 3 kept in EUR with their USD amounts',
    ]);
    // SAP takes it as prepared; a second record of the same day costs no more reads
    const [w] = await target.write([{ op: 'create', key: 'EUR-1', record: r.record }]);
    expect(w?.ok, w?.error?.message).toBe(true);
    await prepare([je('EUR-2', '2025-02-21', lines)]);
    expect(calls('POST SBOBobService_GetCurrencyRate')).toBe(1);
    expect(calls('POST SBOBobService_GetLocalCurrency')).toBe(1);
    expect(calls('GET BusinessPartners')).toBe(1);
    expect(calls('GET ChartOfAccounts')).toBe(1);
  });

  it('what rounding line by line leaves over goes on one converted line, named in a note', async () => {
    // 3 x 10.05 EUR at 1.08 = 3 x 10.85 USD = 32.55; the credit of 30.15 EUR converts to 32.56
    const lines = [
      eur({ AccountCode: '6110' }, 'FCDebit', 10.05),
      eur({ AccountCode: '6120' }, 'FCDebit', 10.05),
      eur({ AccountCode: '6150' }, 'FCDebit', 10.05),
      eur({ ShortName: 'E1001' }, 'FCCredit', 30.15),
    ];
    const [r] = (await prepare([je('ROUND-1', '2025-03-03', lines)])) as [Ok];
    expect((r.record.JournalEntryLines as DataRecord[]).map((l) => l.Debit ?? -(l.Credit as number))).toEqual([
      10.85, 10.85, 10.86, -32.56,
    ]);
    expect(r.notes).toContain(
      'rounding difference of 0.01 USD added to the debit of line 3 (6150), so the entry balances in USD',
    );
    expect(sapB1Connector.resources['journal-entries']!.check!(r.record)).toEqual([]);
    expect((await target.write([{ op: 'create', key: 'ROUND-1', record: r.record }]))[0]?.ok).toBe(true);
  });

  it('no rate for the posting date parks the entry, never guessing; rates.fallback: last-earlier names the rate it took', async () => {
    emu.company.deleteRate('EUR', '2025-02-06');
    emu.company.deleteRate('EUR', '2025-02-05');
    emu.company.setRate('EUR', '2025-02-04', 1.05);
    const lines = [eur({ AccountCode: '6130' }, 'FCDebit', 100), eur({ ShortName: 'E1008' }, 'FCCredit', 100)];
    expect(await prepare([je('NORATE-1', '2025-02-06', lines)])).toEqual([
      {
        ok: false,
        code: 'SAP_B1_RATE_MISSING',
        message: 'no EUR rate for 2025-02-06 in SAP B1; add it or set rates.fallback',
        reasonClass: 'data',
      },
    ]);
    const lenient = open({ rates: { fallback: 'last-earlier', fallbackDays: 3 } });
    const [r] = (await prepare([je('NORATE-1', '2025-02-06', lines)], lenient)) as [Ok];
    expect(r.record.JournalEntryLines).toEqual([
      { AccountCode: '6130', Debit: 105 },
      { ShortName: 'E1008', Credit: 105 },
    ]);
    expect(r.notes?.[0]).toMatch(/the last earlier SAP B1 rate 1\.05 of 2025-02-04 \(none on 2025-02-06/);
    expect((await lenient.write([{ op: 'create', key: 'NORATE-1', record: r.record }]))[0]?.ok).toBe(true);
    const tooOld = open({ rates: { fallback: 'last-earlier', fallbackDays: 1 } });
    expect((await prepare([je('NORATE-2', '2025-02-06', lines)], tooOld))[0]).toMatchObject({ ok: false });
  });

  it('an entry dated in a locked, closing or undefined period is parked with the reason', async () => {
    emu.company.setPeriodStatus('2025-04', 'ltPeriodClosing');
    const lines = [
      { AccountCode: '6110', Debit: 10 },
      { ShortName: 'E1001', Credit: 10 },
    ];
    const out = await prepare([
      je('P-1', '2023-11-30', lines),
      je('P-2', '2025-04-15', lines),
      je('P-3', '2031-01-02', lines),
      je('P-4', '2025-05-02', lines),
    ]);
    expect(out.map((o) => (o.ok ? 'ok' : o.message))).toEqual([
      'posting date 2023-11-30 is in posting period 2023-11, which is locked in SAP B1; reopen the period in SAP B1, or set target.options.periods: next-open-period to post on the first day of the next open period',
      'posting date 2025-04-15 is in posting period 2025-04, which is in period closing in SAP B1; reopen the period in SAP B1, or set target.options.periods: next-open-period to post on the first day of the next open period',
      'posting date 2031-01-02 is outside every posting period defined in SAP B1; define its posting period in SAP B1, or set target.options.periods: next-open-period to post on the first day of the next open period',
      'ok',
    ]);
    expect(out[0]).toMatchObject({ code: 'SAP_B1_PERIOD_CLOSED', reasonClass: 'data' });
  });

  it('periods: next-open-period moves the posting date to the next open period and keeps the date in the Memo', async () => {
    emu.company.setPeriodStatus('2025-02', 'ltLocked');
    emu.company.setPeriodStatus('2025-03', 'ltLocked');
    const moving = open({ periods: 'next-open-period' });
    const lines = [eur({ AccountCode: '6130' }, 'FCDebit', 10), eur({ ShortName: 'E1008' }, 'FCCredit', 10)];
    emu.company.setRate('EUR', '2025-04-01', 1.1);
    const [r] = (await prepare(
      [je('M-1', '2025-02-21', lines, 'A very long report name that fills the memo')],
      moving,
    )) as [Ok];
    expect(r.record).toMatchObject({
      ReferenceDate: '2025-04-01',
      Memo: 'A very long report name that (dated 2025-02-21)',
    });
    expect((r.record.Memo as string).length).toBeLessThanOrEqual(50);
    expect(r.notes?.[0]).toBe(
      'posting date 2025-02-21 is in posting period 2025-02, which is locked in SAP B1: posted on 2025-04-01, the first day of the next open period 2025-04; Memo keeps the date: "A very long report name that (dated 2025-02-21)" (shortened to 50 characters)',
    );
    expect(r.notes?.[1]).toMatch(/^EUR converted at the SAP B1 rate 1\.1 of 2025-04-01/); // the rate of the day it posts on
    expect((await moving.write([{ op: 'create', key: 'M-1', record: r.record }]))[0]?.ok).toBe(true);
    // the posted entry keeps its date in later runs: the same record prepares the same
    const again = await prepare(
      [je('M-1', '2025-02-21', lines, 'A very long report name that fills the memo')],
      moving,
    );
    expect(again[0]).toMatchObject({ ok: true, record: { ReferenceDate: '2025-04-01', Memo: r.record.Memo } });
  });

  it('an entry posted before its period was locked keeps its date: closing a period parks nothing already posted', async () => {
    const lines = [
      { AccountCode: '6110', Debit: 10 },
      { ShortName: 'E1001', Credit: 10 },
    ];
    const record = je('CLOSED-LATER', '2025-06-10', lines);
    expect((await target.write([{ op: 'create', key: 'CLOSED-LATER', record }]))[0]?.ok).toBe(true);
    emu.company.setPeriodStatus('2025-06', 'ltLocked');
    expect(await prepare([record])).toEqual([{ ok: true, record }]);
    expect((await prepare([{ ...record, Reference: 'NEW-IN-JUNE' }]))[0]).toMatchObject({ ok: false });
  });

  it('the Memo keeps the original date within 50 characters', () => {
    expect(memoWithDate('Trip', '2025-01-31')).toEqual({ memo: 'Trip (dated 2025-01-31)', shortened: false });
    expect(memoWithDate(undefined, '2025-01-31')).toEqual({ memo: '(dated 2025-01-31)', shortened: false });
    const long = memoWithDate('x'.repeat(50), '2025-01-31');
    expect(long).toEqual({ memo: `${'x'.repeat(31)} (dated 2025-01-31)`, shortened: true });
    expect(long.memo).toHaveLength(50);
  });
});
