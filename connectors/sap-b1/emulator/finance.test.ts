/**
 * The emulator's currencies, exchange rates and posting periods (fact sheet §12): the SBOBobService
 * and CompanyService function imports, and the journal entry rules that use them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

const entry = (date: string, lines: Record<string, unknown>[]): Record<string, unknown> => ({
  ReferenceDate: date,
  Memo: 'Finance test',
  Reference: `FIN-${date}`,
  JournalEntryLines: lines,
});
const eurOn = (debit: string, credit: string): Record<string, unknown>[] => [
  { AccountCode: debit, FCCurrency: 'EUR', FCDebit: 50 },
  { ShortName: credit, FCCurrency: 'EUR', FCCredit: 50 },
];

for (const version of ['v1', 'v2'] as const) {
  describe(`emulator finance functions (${version})`, () => {
    let emu: SapB1Emulator;
    let c: TestClient;
    beforeEach(async () => {
      emu = await startSapB1Emulator();
      c = testClient(emu, version);
      await c.login();
    });
    afterEach(() => emu.close());

    const code = (res: { json: { error: { code: unknown } } }): string => String(res.json.error.code);

    it('GetLocalCurrency and GetSystemCurrency answer the company currencies', async () => {
      const local = await c.request('POST', 'SBOBobService_GetLocalCurrency');
      expect(local.status).toBe(200);
      expect(local.json.value).toBe('USD');
      expect(local.json[version === 'v1' ? 'odata.metadata' : '@odata.context']).toMatch(/\$metadata#Edm\.String$/);
      expect((await c.request('POST', 'SBOBobService_GetSystemCurrency')).json.value).toBe('USD');
    });

    it('GetCurrencyRate reads the rate of a day, with the date as yyyyMMdd or ISO', async () => {
      const compact = await c.request('POST', 'SBOBobService_GetCurrencyRate', {
        body: { Currency: 'EUR', Date: '20250206' },
      });
      expect(compact.status).toBe(200);
      expect(compact.json.value).toBe(1.08);
      const iso = await c.request('POST', 'SBOBobService_GetCurrencyRate', {
        body: { Currency: 'GBP', Date: '2025-02-06' },
      });
      expect(iso.json.value).toBe(1.27);
      const none = await c.request('POST', 'SBOBobService_GetCurrencyRate', {
        body: { Currency: 'EUR', Date: '20350101' },
      });
      expect(none.status).toBe(400);
      expect(JSON.stringify(none.json)).toMatch(/No exchange rate for 'EUR' on 2035-01-01; update the exchange rate/);
      const unknown = await c.request('POST', 'SBOBobService_GetCurrencyRate', {
        body: { Currency: 'XYZ', Date: '20250206' },
      });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.json)).toMatch(/Invalid currency code 'XYZ'/);
    });

    it('SetCurrencyRate stores a rate for one day (Rate as a string, as the metadata types it, or a number)', async () => {
      const set = await c.request('POST', 'SBOBobService_SetCurrencyRate', {
        body: { RateDate: '20350102', Currency: 'EUR', Rate: '1.1234' },
      });
      expect(set.status).toBe(204);
      expect(emu.company.rate('EUR', '2035-01-02')).toBe(1.1234);
      await c.request('POST', 'SBOBobService_SetCurrencyRate', {
        body: { RateDate: '2035-01-03', Currency: 'EUR', Rate: 1.2 },
      });
      const read = await c.request('POST', 'SBOBobService_GetCurrencyRate', {
        body: { Currency: 'EUR', Date: '2035-01-03' },
      });
      expect(read.json.value).toBe(1.2);
      expect(emu.company.rate('EUR', '2035-01-04')).toBeUndefined();
      const local = await c.request('POST', 'SBOBobService_SetCurrencyRate', {
        body: { RateDate: '20350102', Currency: 'USD', Rate: 1 },
      });
      expect(local.status).toBe(400);
      const bad = await c.request('POST', 'SBOBobService_SetCurrencyRate', {
        body: { RateDate: 'tomorrow', Currency: 'EUR', Rate: 1 },
      });
      expect(bad.status).toBe(400);
      expect(code(bad)).toBe('-1000');
    });

    it('GetPeriods lists the period categories; GetFinancePeriods their periods with PeriodStatus', async () => {
      const categories = await c.request('POST', 'CompanyService_GetPeriods');
      expect(categories.status).toBe(200);
      const entries = (categories.json.value as { AbsoluteEntry: number }[]).map((v) => v.AbsoluteEntry);
      expect(entries.length).toBeGreaterThanOrEqual(3);
      const first = await c.request('POST', 'CompanyService_GetFinancePeriods', {
        body: { PeriodCategoryParams: { AbsoluteEntry: entries[0] } },
      });
      expect(first.status).toBe(200);
      expect(first.json.value).toHaveLength(12);
      expect(first.json.value[0]).toMatchObject({
        PeriodCode: '2023-01',
        PostingDateFrom: version === 'v1' ? '2023-01-01' : '2023-01-01T00:00:00Z',
        PeriodStatus: 'ltLocked',
      });
      expect(first.json.value[1].PostingDateTo).toMatch(/^2023-02-28/);
      const missing = await c.request('POST', 'CompanyService_GetFinancePeriods', {
        body: { PeriodCategoryParams: { AbsoluteEntry: 999 } },
      });
      expect(missing.status).toBe(404);
    });

    it('function imports run inside $batch too', async () => {
      const boundary = 'batch_x';
      const body =
        `--${boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n` +
        `POST /b1s/${version}/SBOBobService_GetLocalCurrency HTTP/1.1\r\n\r\n\r\n--${boundary}--\r\n`;
      const res = await fetch(`${c.root}/$batch`, {
        method: 'POST',
        headers: { cookie: c.cookie!, 'content-type': `multipart/mixed;boundary=${boundary}` },
        body,
      });
      expect(await res.text()).toMatch(/"value":"USD"/);
    });
  });
}

describe('emulator journal entries: currencies and periods', () => {
  let emu: SapB1Emulator;
  let c: TestClient;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    c = testClient(emu, 'v2');
    await c.login();
  });
  afterEach(() => emu.close());

  const post = (body: unknown) => c.request('POST', 'JournalEntries', { body });

  it('a line in a foreign currency needs an account or partner in that currency or in all (##)', async () => {
    expect((await post(entry('2025-03-03', eurOn('6140', 'E1016')))).status).toBe(201); // EUR account, EUR partner
    expect((await post(entry('2025-03-04', eurOn('6130', 'E1008')))).status).toBe(201); // ## account, ## partner
    const account = await post(entry('2025-03-05', eurOn('6110', 'E1008')));
    expect(account.status).toBe(400);
    expect(account.json.error.message).toMatch(
      /Currency 'EUR' cannot be posted to account '6110', whose currency is USD/,
    );
    const partner = await post(entry('2025-03-05', eurOn('6130', 'E1001')));
    expect(partner.json.error.message).toMatch(/business partner 'E1001', whose currency is USD.*\[line: 2\]/);
    const gbp = await post(
      entry('2025-03-05', [
        { AccountCode: '6140', FCCurrency: 'GBP', FCDebit: 10 },
        { ShortName: 'E1008', FCCurrency: 'GBP', FCCredit: 10 },
      ]),
    );
    expect(gbp.json.error.message).toMatch(/Currency 'GBP' cannot be posted to account '6140', whose currency is EUR/);
  });

  it('local amounts given with the foreign ones are kept; only foreign ones are converted at the day’s rate', async () => {
    emu.company.setRate('EUR', '2025-03-06', 1.1);
    const res = await post(
      entry('2025-03-06', [
        { AccountCode: '6130', FCCurrency: 'EUR', FCDebit: 10.01, Debit: 11.02 },
        { AccountCode: '6130', FCCurrency: 'EUR', FCDebit: 10 },
        { AccountCode: '2150', Credit: 22.02 },
      ]),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.json.JournalEntryLines.map((l: { Debit: number }) => l.Debit)).toEqual([11.02, 11, 0]);
  });

  it('a foreign-currency posting dated on a day without a rate is refused, even with local amounts', async () => {
    emu.company.deleteRate('EUR', '2025-02-06');
    const res = await post(
      entry('2025-02-06', [
        { AccountCode: '6130', FCCurrency: 'EUR', FCDebit: 10, Debit: 10.8 },
        { AccountCode: '2150', Credit: 10.8 },
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      code: '-10',
      message: "Update the exchange rate for 'EUR' on 2025-02-06 [JournalEntryLines.FCCurrency][line: 1]",
    });
    const local = await post(
      entry('2025-02-06', [
        { AccountCode: '6130', Debit: 10 },
        { AccountCode: '2150', Credit: 10 },
      ]),
    );
    expect(local.status).toBe(201);
  });

  it('an entry dated in a locked or closing period, or outside every period, is refused with -5002', async () => {
    const lines = [
      { AccountCode: '6130', Debit: 10 },
      { AccountCode: '2150', Credit: 10 },
    ];
    expect(emu.company.setPeriodStatus('2025-03', 'ltLocked')).toBe(true);
    emu.company.setPeriodStatus('2025-04', 'ltPeriodClosing');
    emu.company.setPeriodStatus('2025-05', 'ltUnlockedExceptSales');
    for (const date of ['2025-03-31', '2025-04-01', '2023-06-30', '2031-01-01']) {
      const res = await post(entry(date, lines));
      expect(res.status, date).toBe(400);
      expect(res.json.error).toEqual({
        code: '-5002',
        message: '10000156 - Posting Date deviates from the defined range [JournalEntry.ReferenceDate]',
      });
    }
    expect((await post(entry('2025-05-02', lines))).status).toBe(201);
    expect((await post(entry('2025-02-28', lines))).status).toBe(201);
  });

  it('Cancel reverses an entry once; a reversal in a period locked since is refused with -5002', async () => {
    const lines = [
      { AccountCode: '6130', Debit: 10 },
      { AccountCode: '2150', Credit: 10 },
    ];
    const a = (await post(entry('2025-06-10', lines))).json.JdtNum as number;
    const b = (await post(entry('2025-07-10', lines))).json.JdtNum as number;
    expect((await c.request('POST', `JournalEntries(${a})/Cancel`)).status).toBe(204);
    expect((await c.request('POST', `JournalEntries(${a})/Cancel`)).json.error.message).toMatch(/already cancelled/);
    emu.company.setPeriodStatus('2025-07', 'ltLocked');
    const locked = await c.request('POST', `JournalEntries(${b})/Cancel`);
    expect(locked.status).toBe(400);
    expect(locked.json.error.code).toBe('-5002');
  });

  it('defaulted properties answer their $metadata default instead of null, and filter by it', async () => {
    const res = await c.request('GET', 'JournalEntries(1)');
    expect(res.json).toMatchObject({ Series: 0, UseAutoStorno: 'tNO', AutoVAT: 'tNO', StampTax: 'tNO' });
    expect(res.json.JournalEntryLines[0]).toMatchObject({ VatLine: 'tNO' });
    expect(res.json.Memo).toBe('Opening balances');
    expect(res.json.StornoDate).toBeNull();
    const filtered = await c.request('GET', "JournalEntries?$filter=AutoVAT eq 'tNO'&$select=JdtNum");
    expect(filtered.json.value.length).toBe(emu.state.JournalEntries.size);
  });
});
