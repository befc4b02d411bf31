import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataRecord, TargetResource, WriteOp } from '../../../engine/connector/types.js';
import { startSapB1Emulator, type SapB1Emulator } from '../emulator/index.js';
import type { ResourceOpener } from '../../../engine/connector/dispatch.js';
import type { SapB1Connection } from '../connection.js';
import { sapB1Connector } from '../index.js';
import { memoryVault, openTestConnection, testContext } from '../test-support.js';
import { journalEntryProblems } from './journal-entries.def.js';

const je = (memo = 'Concur report', lines?: DataRecord[]): DataRecord => ({
  ReferenceDate: '2024-04-30',
  Memo: memo,
  JournalEntryLines: lines ?? [
    { AccountCode: '6110', Debit: 120.5, Credit: 0, CostingCode: 'CC200', LineMemo: 'Airfare' },
    { AccountCode: '6130', Debit: 30.25, Credit: 0, CostingCode: 'CC200' },
    { ShortName: 'E1003', Debit: 0, Credit: 150.75 },
  ],
});
const create = (key: string, record: DataRecord = je()): WriteOp => ({ op: 'create', key, record });
const withRef = (emu: SapB1Emulator, ref: string, field = 'Reference') =>
  [...emu.state.JournalEntries.values()].filter((e) => e[field] === ref);

describe('journal entry checks before sending', () => {
  it('passes a balanced entry', () => {
    expect(journalEntryProblems(je())).toEqual([]);
    expect(
      journalEntryProblems(
        je('x', [
          { AccountCode: '6110', Debit: 0.1 },
          { AccountCode: '6120', Debit: 0.2 },
          { AccountCode: '1100', Credit: 0.3 },
        ]),
      ),
    ).toEqual([]);
  });

  it('finds lines unbalanced by one cent', () => {
    expect(
      journalEntryProblems(
        je('x', [
          { AccountCode: '6110', Debit: 100.01 },
          { AccountCode: '1100', Credit: 100 },
        ]),
      ),
    ).toEqual(['lines do not balance: debit 100.01, credit 100.00 (difference 0.01)']);
  });

  it('checks foreign-currency lines in their currency', () => {
    const fc = (d: number, c: number) => [
      { AccountCode: '6120', FCCurrency: 'EUR', FCDebit: d },
      { ShortName: 'E1001', FCCurrency: 'EUR', FCCredit: c },
    ];
    expect(journalEntryProblems(je('x', fc(100, 100)))).toEqual([]);
    expect(journalEntryProblems(je('x', fc(100, 99)))).toEqual([
      'lines do not balance: debit 100.00, credit 99.00 (difference 1.00)',
    ]);
  });

  it('finds over-long fields (Memo 50, LineMemo 50, AccountCode 15, CostingCode 8) and malformed lines', () => {
    const record = je('m'.repeat(51), [
      { AccountCode: '6110', Debit: '12.00', LineMemo: 'l'.repeat(51) },
      { Credit: 12, CostingCode: 'CC2000000' },
      { AccountCode: '1'.repeat(16), Debit: 1, Credit: 1 },
    ]);
    expect(journalEntryProblems(record)).toEqual([
      'Memo is 51 characters long; SAP Business One allows 50',
      'line 1: LineMemo is 51 characters long; SAP Business One allows 50',
      'line 1: Debit must be a number (got "12.00")',
      'line 1: has no amount',
      'line 2: CostingCode is 9 characters long; SAP Business One allows 8',
      'line 2: AccountCode or ShortName is required',
      'line 3: AccountCode is 16 characters long; SAP Business One allows 15',
      'line 3: has both a debit and a credit amount',
      'lines do not balance: debit 1.00, credit 13.00 (difference 12.00)',
    ]);
    expect(journalEntryProblems({ Memo: 'x', JournalEntryLines: [{ AccountCode: '1', Debit: 1 }] })).toEqual([
      'JournalEntryLines needs at least two lines',
    ]);
  });
});

describe('journal-entries target', () => {
  let emu: SapB1Emulator;
  let conn: SapB1Connection & ResourceOpener;
  let target: TargetResource;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    conn = await openTestConnection(emu);
    target = conn.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
  });
  afterEach(async () => {
    await conn.close();
    await emu.close();
  });

  it('creates entries with the dedupe key in Reference; lookup finds them locked', async () => {
    const outcomes = await target.write([create('CONCUR-1'), create('CONCUR-2')]);
    expect(outcomes).toEqual([
      { key: 'CONCUR-1', ok: true, id: '4' },
      { key: 'CONCUR-2', ok: true, id: '5' },
    ]);
    expect(withRef(emu, 'CONCUR-1')).toHaveLength(1);
    const found = await target.lookup(['CONCUR-2', 'CONCUR-1', 'CONCUR-404']);
    expect([...found.keys()].sort()).toEqual(['CONCUR-1', 'CONCUR-2']);
    expect(found.get('CONCUR-1')).toMatchObject({
      key: 'CONCUR-1',
      id: '4',
      record: { Memo: 'Concur report', ReferenceDate: '2024-04-30', JdtNum: 4 },
    });
    expect(found.get('CONCUR-1')?.locked).toMatch(/journal entry 4 \(number 4\) is posted/);
    const calls = conn.stats().apiCalls;
    expect((await target.lookup([])).size).toBe(0);
    expect(conn.stats().apiCalls).toBe(calls);
  });

  it('a posted entry is locked: an update or delete is refused, not sent', async () => {
    const locked = (await target.lookup(['OPENING-2024'])).get('OPENING-2024');
    expect(locked).toMatchObject({ id: '1', locked: expect.stringMatching(/never changes a posted journal entry/) });
    const [outcome] = await target.write([
      {
        op: 'update',
        key: 'OPENING-2024',
        id: '1',
        record: { Memo: 'changed' },
        before: {},
        changes: [{ path: 'Memo', before: 'Opening balances', after: 'changed' }],
      },
    ]);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'SAP_B1_LOCKED', retryable: false } });
    expect(emu.counters.requests['PATCH JournalEntries']).toBeUndefined();
    expect(emu.state.JournalEntries.get('1')?.Memo).toBe('Opening balances');
  });

  it('unbalanced and over-long entries fail their check and are never sent', async () => {
    expect(sapB1Connector.resources['journal-entries']!.check!(je('x'.repeat(60)))).toEqual([
      'Memo is 60 characters long; SAP Business One allows 50',
    ]);
    const outcomes = await target.write([
      create(
        'BAD-1',
        je('x', [
          { AccountCode: '6110', Debit: 10.01 },
          { AccountCode: '1100', Credit: 10 },
        ]),
      ),
      create('BAD-2', je('x'.repeat(60))),
      create('GOOD-1'),
    ]);
    expect(outcomes.map((o) => [o.key, o.ok, o.error?.code, o.error?.retryable])).toEqual([
      ['BAD-1', false, 'SAP_B1_CHECK_FAILED', false],
      ['BAD-2', false, 'SAP_B1_CHECK_FAILED', false],
      ['GOOD-1', true, undefined, undefined],
    ]);
    expect(outcomes[0]?.error?.message).toBe('lines do not balance: debit 10.01, credit 10.00 (difference 0.01)');
    expect(emu.counters.requests['POST JournalEntries']).toBe(1);
  });

  it("a record SAP rejects fails alone with SAP's message, not retryable", async () => {
    const outcomes = await target.write([
      create('OK-1'),
      create(
        'NOPE',
        je('x', [
          { AccountCode: '9999', Debit: 5 },
          { AccountCode: '1100', Credit: 5 },
        ]),
      ),
      create('OK-2'),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]?.error).toMatchObject({
      code: 'SAP_B1_BUSINESS_RULE',
      retryable: false,
      status: 400,
      remoteCode: '-10',
    });
    expect(outcomes[1]?.error?.message).toMatch(/Invalid account code '9999'/);
  });

  it('a response lost after SAP committed: the entry is found and reported written; a rerun sends nothing', async () => {
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'drop-after-commit' });
    const [first] = await target.write([create('LOST-1')]);
    expect(first).toEqual({ key: 'LOST-1', ok: true, id: '4' });
    // The next run (a new connection, the same vault) finds it before it would send it again.
    const rerun = await openTestConnection(emu, {}, testContext(memoryVault()));
    const again = rerun.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    expect((await again.lookup(['LOST-1'])).get('LOST-1')?.locked).toBeDefined();
    expect(await again.write([create('LOST-1')])).toEqual([{ key: 'LOST-1', ok: true, id: '4' }]);
    await rerun.close();
    expect(withRef(emu, 'LOST-1')).toHaveLength(1);
    expect(emu.counters.requests['POST JournalEntries']).toBe(1);
  });

  it('a lost response that cannot be verified at once is retryable; the retry finds the entry instead of posting it again', async () => {
    emu.faults.add({ method: 'GET', path: 'JournalEntries', kind: 'delay', delayMs: 0 }); // the lookup before the create passes
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'drop-after-commit' });
    emu.faults.add({ method: 'GET', path: 'JournalEntries', kind: '500', times: 3 }); // the lookup after it fails
    const [first] = await target.write([create('LOST-2')]);
    expect(first).toMatchObject({ ok: false, error: { code: 'SAP_B1_CREATE_NOT_CONFIRMED', retryable: true } });
    // What the engine does before retrying a create: look it up.
    expect((await target.lookup(['LOST-2'])).get('LOST-2')?.id).toBe('4');
    expect(await target.write([create('LOST-2')])).toEqual([{ key: 'LOST-2', ok: true, id: '4' }]);
    expect(withRef(emu, 'LOST-2')).toHaveLength(1);
  });

  it('a 500 before SAP committed is retryable and the retry creates exactly one entry', async () => {
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: '500' });
    const [first] = await target.write([create('RETRY-1')]);
    expect(first).toMatchObject({ ok: false, error: { code: 'SAP_B1_CREATE_NOT_CONFIRMED', retryable: true } });
    expect(first?.error?.message).toMatch(/HTTP 500 with an empty body; nothing with Reference RETRY-1 was found/);
    expect(withRef(emu, 'RETRY-1')).toHaveLength(0);
    expect(await target.write([create('RETRY-1')])).toEqual([{ key: 'RETRY-1', ok: true, id: '4' }]);
    expect(withRef(emu, 'RETRY-1')).toHaveLength(1);
  });

  it('a timed-out create that SAP commits later is found by the next attempt, not posted twice', async () => {
    const slow = await openTestConnection(emu, { timeoutMs: 150 });
    const t = slow.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const held = emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'hold' });
    const [first] = await t.write([create('SLOW-1')]); // the client gives up while SAP holds the request
    expect(first).toMatchObject({ ok: false, error: { retryable: true } });
    expect(held.held).toBe(1);
    const mark = emu.events.mark();
    held.release();
    await emu.events.next('committed', (e) => e.entitySet === 'JournalEntries', { since: mark }); // SAP commits it after all
    expect(await t.write([create('SLOW-1')])).toEqual([{ key: 'SLOW-1', ok: true, id: '4' }]);
    await slow.close();
    expect(withRef(emu, 'SLOW-1')).toHaveLength(1);
    expect(emu.counters.requests['POST JournalEntries']).toBe(1);
  });

  it('sends a key that appears twice in one call once', async () => {
    const outcomes = await target.write([create('TWICE'), create('TWICE')]);
    expect(outcomes).toEqual([
      { key: 'TWICE', ok: true, id: '4' },
      { key: 'TWICE', ok: true, id: '4' },
    ]);
    expect(withRef(emu, 'TWICE')).toHaveLength(1);
  });

  it('writes the key into the configured reference field', async () => {
    const t3 = conn.target(
      'journal-entries',
      { referenceField: 'Reference3' },
      { keyField: undefined, mode: 'create' },
    );
    expect(await t3.write([create('EXT-7', { ...je(), Reference: 'free text' })])).toEqual([
      { key: 'EXT-7', ok: true, id: '4' },
    ]);
    expect(emu.state.JournalEntries.get('4')).toMatchObject({ Reference: 'free text', Reference3: 'EXT-7' });
    expect((await t3.lookup(['EXT-7'])).get('EXT-7')?.id).toBe('4');
  });

  it('reports every entry carrying a key when a reference is not unique (e.g. a reversal)', async () => {
    await target.write([create('DUP-1')]);
    emu.state.JournalEntries.set('99', { ...emu.state.JournalEntries.get('4')!, JdtNum: 99, Number: 99 });
    const found = (await target.lookup(['DUP-1'])).get('DUP-1');
    expect(found?.id).toBe('4');
    expect(found?.locked).toMatch(/2 JournalEntries carry Reference DUP-1: 4, 99/);
  });
});
