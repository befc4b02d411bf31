import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataRecord, ReverseOp, TargetResource } from '../../../engine/connector/types.js';
import type { ResourceOpener } from '../../../engine/connector/dispatch.js';
import type { SapB1Connection } from '../connection.js';
import { startSapB1Emulator, type SapB1Emulator } from '../emulator/index.js';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { openTestConnection, testContext } from '../test-support.js';
import { liveEntries, mirrors, pairReversals } from './journal-reverse.js';

const line = (account: string, debit: number, credit: number): DataRecord => ({
  AccountCode: account,
  ShortName: account,
  Debit: debit,
  Credit: credit,
});
const entry = (id: number, lines: DataRecord[]): DataRecord => ({ JdtNum: id, JournalEntryLines: lines });

describe('recognising cancelled journal entries and their reversals', () => {
  const a = entry(10, [line('6110', 100, 0), line('2100', 0, 100)]);
  const reversal = entry(11, [line('6110', 0, 100), line('2100', 100, 0)]);
  const repost = entry(12, [line('6110', 120, 0), line('2100', 0, 120)]);

  it('a reversal has the same lines, debit and credit swapped, in any order', () => {
    expect(mirrors(a, reversal)).toBe(true);
    expect(mirrors(a, entry(11, [line('2100', 100, 0), line('6110', 0, 100)]))).toBe(true);
    expect(mirrors(a, entry(11, [line('6110', 0, 100), line('2100', 99.99, 0)]))).toBe(false);
    expect(mirrors(a, a)).toBe(false);
  });

  it('pairs each reversal with the earlier entry it mirrors; what is left is live', () => {
    expect(liveEntries([repost, reversal, a]).map((e) => e.JdtNum)).toEqual([12]);
    expect(liveEntries([a]).map((e) => e.JdtNum)).toEqual([10]);
    // a later entry that happens to mirror an entry already reversed is a live posting of its own
    const mirrorAgain = entry(13, [line('6110', 0, 100), line('2100', 100, 0)]);
    expect(liveEntries([a, reversal, mirrorAgain]).map((e) => e.JdtNum)).toEqual([13]);
    expect(pairReversals([a, reversal]).get(a)).toBe(reversal);
  });
});

describe('journal-entries reverse (JournalEntries(N)/Cancel)', () => {
  let emu: SapB1Emulator;
  let conn: SapB1Connection & ResourceOpener;
  let target: TargetResource;
  const record = (amount: number): DataRecord => ({
    ReferenceDate: '2025-03-10',
    Memo: 'Report',
    JournalEntryLines: [
      { AccountCode: '6110', Debit: amount },
      { ShortName: 'E1001', Credit: amount },
    ],
  });
  const post = async (key: string, amount = 100): Promise<string> => {
    const [o] = await target.write([{ op: 'create', key, record: record(amount) }]);
    return o!.id!;
  };
  const op = (key: string, id: string): ReverseOp => ({ key, id, before: {}, reason: 'corrected' });

  beforeEach(async () => {
    emu = await startSapB1Emulator();
    conn = await openTestConnection(emu);
    target = conn.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
  });
  afterEach(async () => {
    await conn.close();
    await emu.close();
  });

  it('cancels in one $batch, reports each reversal id; lookup then no longer finds the key, then finds the new version', async () => {
    const [x, y] = [await post('R-1'), await post('R-2', 50)];
    const outcomes = await target.reverse!([op('R-1', x), op('R-2', y)]);
    expect(emu.counters.requests['POST $batch']).toBe(1);
    expect(outcomes).toEqual([
      { key: 'R-1', ok: true, id: String(Number(y) + 1) },
      { key: 'R-2', ok: true, id: String(Number(y) + 2) },
    ]);
    expect(emu.state.JournalEntries.get(String(Number(y) + 1))).toMatchObject({ Reference: 'R-1' });
    expect((await target.lookup(['R-1', 'R-2'])).size).toBe(0);
    const fresh = await post('R-1', 120);
    expect((await target.lookup(['R-1'])).get('R-1')).toMatchObject({ id: fresh, record: { JdtNum: Number(fresh) } });
  });

  it('a second reversal of the same entry is refused by SAP and reported done, with the reversal id', async () => {
    const x = await post('R-3');
    const [first] = await target.reverse!([op('R-3', x)]);
    const [second] = await target.reverse!([op('R-3', x)]);
    expect(second).toEqual(first);
    expect(emu.entities('JournalEntries').filter((e) => e.Reference === 'R-3')).toHaveLength(2);
  });

  it('a Cancel whose answer is lost after SAP reversed the entry is reported done', async () => {
    const single = await openTestConnection(emu, { batch: false });
    const t = single.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const x = await post('R-4');
    emu.faults.add({ method: 'POST', path: /Cancel$/, kind: 'drop-after-commit' });
    const [o] = await t.reverse!([op('R-4', x)]);
    expect(o).toEqual({ key: 'R-4', ok: true, id: String(Number(x) + 1) });
    await single.close();
  });

  it('where SAP refuses the Cancel (the period is locked since), a reversal entry is posted in the open period of today, once', async () => {
    const clock = new ManualClock(Date.parse('2025-05-20T09:00:00Z'));
    const dated = await openTestConnection(emu, {}, testContext(undefined, undefined, clock));
    const t = dated.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const [x, y] = [await post('R-5'), await post('R-7')];
    emu.company.setPeriodStatus('2025-03', 'ltLocked');
    const [o] = await t.reverse!([op('R-5', x)]);
    expect(o).toEqual({ key: 'R-5', ok: true, id: String(Number(y) + 1) });
    const reversal = emu.state.JournalEntries.get(String(Number(y) + 1))!;
    expect(reversal).toMatchObject({
      Reference: 'R-5',
      ReferenceDate: '2025-05-20',
      Memo: `Reversal of ${x} (dated 2025-03-10)`,
    });
    expect((reversal.JournalEntryLines as DataRecord[]).map((l) => [l.ShortName, l.Debit, l.Credit])).toEqual([
      ['6110', 0, 100],
      ['E1001', 100, 0],
    ]);
    expect(emu.store.hidden.reversals.size).toBe(0); // not a Cancel: SAP refused that
    expect((await t.lookup(['R-5'])).size).toBe(0); // the original and its reversal no longer count
    // sent again (an answer the engine did not get): SAP refuses the Cancel, the reversal is found
    expect(await t.reverse!([op('R-5', x)])).toEqual([o]);
    expect(emu.entities('JournalEntries').filter((e) => e.Reference === 'R-5')).toHaveLength(2);
    // in a later run with today's period locked as well: the reversal goes to the first day of the next open one
    emu.company.setPeriodStatus('2025-05', 'ltLocked');
    const later = dated.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const [o7] = await later.reverse!([op('R-7', y)]);
    expect(o7?.ok).toBe(true);
    expect(emu.state.JournalEntries.get(o7!.id!)).toMatchObject({ ReferenceDate: '2025-06-01' });
    await dated.close();
  });

  it('a reversal entry whose answer is lost is looked for and found: reported done, posted once', async () => {
    const clock = new ManualClock(Date.parse('2025-05-20T09:00:00Z'));
    const single = await openTestConnection(emu, { batch: false }, testContext(undefined, undefined, clock));
    const t = single.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const x = await post('R-9');
    emu.company.setPeriodStatus('2025-03', 'ltLocked');
    const fault = emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'drop-after-commit' });
    const [o] = await t.reverse!([op('R-9', x)]);
    expect(fault.hits).toBe(1);
    expect(o).toEqual({ key: 'R-9', ok: true, id: String(Number(x) + 1) });
    expect(emu.entities('JournalEntries').filter((e) => e.Reference === 'R-9')).toHaveLength(2);
    await single.close();
  });

  it('a reversal entry SAP refuses (no period open after today) fails with the reason; nothing is reversed', async () => {
    const x = await post('R-8');
    emu.company.setPeriodStatus('2025-03', 'ltLocked');
    const clock = new ManualClock(Date.parse('2031-02-01T09:00:00Z')); // after every defined period
    const late = await openTestConnection(emu, {}, testContext(undefined, undefined, clock));
    const t = late.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    const [o] = await t.reverse!([op('R-8', x)]);
    expect(o).toMatchObject({ key: 'R-8', ok: false, error: { code: 'SAP_B1_PERIOD_CLOSED', retryable: false } });
    expect((await t.lookup(['R-8'])).get('R-8')?.id).toBe(x);
    await late.close();
  });

  it('a Cancel that fails without an answer stays retryable', async () => {
    const x = await post('R-6');
    emu.faults.add({ method: 'POST', path: /Cancel$/, kind: '500', times: 5 });
    const [o] = await target.reverse!([op('R-6', x)]);
    expect(o).toMatchObject({ ok: false, error: { retryable: true } });
    expect((await target.lookup(['R-6'])).get('R-6')?.id).toBe(x);
  });
});
