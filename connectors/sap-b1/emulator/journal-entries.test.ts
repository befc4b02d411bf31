import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

const entry = (over: Record<string, unknown> = {}, lines?: Record<string, unknown>[]) => ({
  ReferenceDate: '2024-04-30',
  Memo: 'Concur report 42',
  Reference: 'CONCUR-42',
  JournalEntryLines: lines ?? [
    { AccountCode: '6110', Debit: 120.5, Credit: 0, CostingCode: 'CC200', ProjectCode: 'P1001', LineMemo: 'Airfare' },
    { AccountCode: '6130', Debit: 30.25, Credit: 0, CostingCode: 'CC200' },
    { ShortName: 'E1003', Debit: 0, Credit: 150.75, LineMemo: 'Employee payable' },
  ],
  ...over,
});

describe('emulator journal entries', () => {
  let emu: SapB1Emulator;
  let c: TestClient;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    c = testClient(emu, 'v2');
    await c.login();
  });
  afterEach(async () => {
    await emu.close();
  });

  const rejected = async (body: unknown, message: RegExp): Promise<void> => {
    const before = emu.state.JournalEntries.size;
    const res = await c.request('POST', 'JournalEntries', { body });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.code).toBe('-10');
    expect(res.json.error.message).toMatch(message);
    expect(emu.state.JournalEntries.size).toBe(before);
  };

  it('creates a balanced entry: 201, JdtNum/Number assigned, Location, lines completed', async () => {
    const res = await c.request('POST', 'JournalEntries', { body: entry() });
    expect(res.status).toBe(201);
    expect(res.json.JdtNum).toBe(4);
    expect(res.json.Number).toBe(4);
    expect(res.headers.get('location')).toBe(`${emu.url}/b1s/v2/JournalEntries(4)`);
    expect(res.json['@odata.context']).toBe(`${emu.url}/b1s/v2/$metadata#JournalEntries/$entity`);
    expect(res.json.OriginalJournal).toBe('ttJournalEntry');
    const lines = res.json.JournalEntryLines;
    expect(lines.map((l: { Line_ID: number }) => l.Line_ID)).toEqual([0, 1, 2]);
    expect(lines[2]).toMatchObject({ ShortName: 'E1003', AccountCode: '2100', ControlAccount: '2100', Credit: 150.75 });
    expect(lines[0]).toMatchObject({ ShortName: '6110', DebitSys: 120.5, DueDate: '2024-04-30T00:00:00Z' });
    expect(emu.state.BusinessPartners.get('E1003')?.CurrentAccountBalance).toBe(-150.75);
  });

  it('answers 204 with Location for Prefer: return-no-content', async () => {
    const res = await c.request('POST', 'JournalEntries', { body: entry(), headers: { Prefer: 'return-no-content' } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('location')).toMatch(/JournalEntries\(4\)$/);
    expect(res.headers.get('preference-applied')).toBe('return-no-content');
  });

  it('rejects an entry unbalanced by one cent', async () => {
    await rejected(
      entry({}, [
        { AccountCode: '6110', Debit: 100.01 },
        { AccountCode: '1100', Credit: 100 },
      ]),
      /Unbalanced transaction: debit 100\.01, credit 100\.00/,
    );
  });

  it('accepts amounts that balance to the cent despite floating point', async () => {
    const lines = [
      { AccountCode: '6110', Debit: 0.1 },
      { AccountCode: '6120', Debit: 0.2 },
      { AccountCode: '1100', Credit: 0.3 },
    ];
    expect((await c.request('POST', 'JournalEntries', { body: entry({}, lines) })).status).toBe(201);
  });

  it('rejects Memo over 50 characters', async () => {
    await rejected(entry({ Memo: 'x'.repeat(51) }), /Memo.*maximum 50/);
    expect((await c.request('POST', 'JournalEntries', { body: entry({ Memo: 'x'.repeat(50) }) })).status).toBe(201);
  });

  it('rejects unknown, title and frozen accounts, unknown partners, bad rules and inactive projects', async () => {
    await rejected(
      entry({}, [
        { AccountCode: '9999', Debit: 1 },
        { AccountCode: '1100', Credit: 1 },
      ]),
      /Invalid account code '9999'.*\[line: 1\]/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6000', Debit: 1 },
        { AccountCode: '1100', Credit: 1 },
      ]),
      /title account/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6990', Debit: 1 },
        { AccountCode: '1100', Credit: 1 },
      ]),
      /frozen/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6110', Debit: 1 },
        { ShortName: 'E1035', Credit: 1 },
      ]),
      /Invalid BP code 'E1035'.*\[line: 2\]/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6110', Debit: 1, CostingCode: 'CC999' },
        { AccountCode: '1100', Credit: 1 },
      ]),
      /distribution rule 'CC999'/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6110', Debit: 1, CostingCode2: 'CC100' },
        { AccountCode: '1100', Credit: 1 },
      ]),
      /distribution rule 'CC100'.*CostingCode2/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6110', Debit: 1, ProjectCode: 'P1030' },
        { AccountCode: '1100', Credit: 1 },
      ]),
      /Project 'P1030' is inactive/,
    );
    await rejected(
      entry({}, [
        { AccountCode: '6110', Debit: 1, Credit: 1 },
        { AccountCode: '1100', Credit: 0 },
      ]),
      /either a debit or a credit/,
    );
    await rejected(entry({}, [{ AccountCode: '6110', Debit: 1 }]), /at least two lines/);
  });

  it('converts foreign-currency lines at the rate of the posting date (account 6130 takes all currencies)', async () => {
    const lines = [
      { AccountCode: '6130', FCCurrency: 'EUR', FCDebit: 100 },
      { ShortName: 'E1008', FCCurrency: 'EUR', FCCredit: 100 },
    ];
    const res = await c.request('POST', 'JournalEntries', { body: entry({}, lines) });
    expect(res.status, res.text).toBe(201);
    expect(res.json.JournalEntryLines[0]).toMatchObject({ Debit: 108, FCDebit: 100, FCCurrency: 'EUR' });
  });

  it('rejects properties the JournalEntry type does not have (400 -1000)', async () => {
    const res = await c.request('POST', 'JournalEntries', { body: entry({ Memmo: 'typo' }) });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ code: '-1000', message: "Property 'Memmo' of 'JournalEntry' is invalid" });
  });

  it('PATCH changes header text and dates only; amounts and lines stay posted', async () => {
    await c.request('POST', 'JournalEntries', { body: entry() });
    expect(
      (
        await c.request('PATCH', 'JournalEntries(4)', {
          body: { Memo: 'Corrected memo', Reference2: 'R2', DueDate: '2024-05-31' },
        })
      ).status,
    ).toBe(204);
    expect(emu.state.JournalEntries.get('4')).toMatchObject({
      Memo: 'Corrected memo',
      Reference2: 'R2',
      DueDate: '2024-05-31',
    });
    const lines = await c.request('PATCH', 'JournalEntries(4)', {
      body: { JournalEntryLines: [{ AccountCode: '6110', Debit: 1 }] },
    });
    expect(lines.status).toBe(400);
    expect(lines.json.error.message).toMatch(/cannot be changed; reverse the entry instead/);
    expect((await c.request('PATCH', 'JournalEntries(4)', { body: { ReferenceDate: '2024-05-01' } })).status).toBe(400);
    expect(emu.state.JournalEntries.get('4')?.JournalEntryLines).toHaveLength(3);
  });

  it('DELETE is not supported (400 -5006)', async () => {
    const res = await c.request('DELETE', 'JournalEntries(2)');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('-5006');
    expect(emu.state.JournalEntries.has('2')).toBe(true);
  });

  it('Cancel creates a sign-swapped reversal (204) and cannot be repeated', async () => {
    await c.request('POST', 'JournalEntries', { body: entry() });
    expect((await c.request('POST', 'JournalEntries(4)/Cancel')).status).toBe(204);
    const reversal = emu.state.JournalEntries.get('5');
    expect(reversal).toMatchObject({ Reference: 'CONCUR-42', Memo: 'Concur report 42' });
    expect((reversal?.JournalEntryLines as Record<string, unknown>[])[2]).toMatchObject({
      ShortName: 'E1003',
      Debit: 150.75,
      Credit: 0,
    });
    expect(emu.state.BusinessPartners.get('E1003')?.CurrentAccountBalance).toBe(0);
    expect((await c.request('POST', 'JournalEntries(4)/Cancel')).json.error.message).toMatch(/already cancelled/);
    expect((await c.request('POST', 'JournalEntries(5)/Cancel')).json.error.message).toMatch(/is a reversal/);
  });

  it('accepts X-HTTP-Method-Override on POST', async () => {
    const res = await c.request('POST', 'JournalEntries(2)', {
      body: { Memo: 'via override' },
      headers: { 'X-HTTP-Method-Override': 'PATCH' },
    });
    expect(res.status).toBe(204);
    expect(emu.state.JournalEntries.get('2')?.Memo).toBe('via override');
    expect(emu.counters.requests['PATCH JournalEntries']).toBe(1);
  });
});
