import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataRecord, WriteOp } from '../../../engine/connector/types.js';
import { startSapB1Emulator, type SapB1Emulator } from '../emulator/index.js';
import { openTestConnection } from '../test-support.js';

const line = (account: string, debit: number, credit: number): DataRecord => ({
  AccountCode: account,
  Debit: debit,
  Credit: credit,
});
const je = (account = '6900'): DataRecord => ({
  ReferenceDate: '2024-05-31',
  Memo: 'batch',
  JournalEntryLines: [line(account, 5, 0), line('1100', 0, 5)],
});
const creates = (prefix: string, n: number, bad: number[] = []): WriteOp[] =>
  Array.from({ length: n }, (_, i) => ({
    op: 'create',
    key: `${prefix}-${i}`,
    record: je(bad.includes(i) ? '9999' : '6900'),
  }));
const refs = (emu: SapB1Emulator, prefix: string) =>
  [...emu.state.JournalEntries.values()].map((e) => String(e.Reference)).filter((r) => r.startsWith(prefix));

describe('writes in $batch requests', () => {
  let emu: SapB1Emulator;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  for (const version of ['v1', 'v2'] as const) {
    it(`${version}: 20 journal entries cost one lookup and one $batch`, async () => {
      const conn = await openTestConnection(emu, { version });
      const target = conn.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
      const before = conn.stats().apiCalls;
      const outcomes = await target.write(creates('BULK', 20));
      const calls = conn.stats().apiCalls - before;
      await conn.close();
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(outcomes.map((o) => o.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 4)));
      expect(calls).toBe(3); // login, lookup, $batch
      expect(emu.counters.requests['POST $batch']).toBe(1);
      expect(refs(emu, 'BULK')).toHaveLength(20);
    });
  }

  it('a record SAP refuses in the middle fails alone; the records after it are sent again', async () => {
    const conn = await openTestConnection(emu);
    const outcomes = await conn
      .target('journal-entries', {}, { keyField: 'Reference', mode: 'create' })
      .write(creates('MID', 6, [2, 4]));
    await conn.close();
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true, false, true]);
    expect(outcomes[2]?.error).toMatchObject({ code: 'SAP_B1_BUSINESS_RULE', retryable: false });
    expect(outcomes[2]?.error?.message).toMatch(/^POST JournalEntries: Invalid account code '9999'/);
    expect(emu.counters.requests['POST $batch']).toBe(3);
    expect(refs(emu, 'MID').sort()).toEqual(['MID-0', 'MID-1', 'MID-3', 'MID-5']);
  });

  it('a lost $batch answer: every entry it committed is found, none is sent twice', async () => {
    const conn = await openTestConnection(emu);
    const target = conn.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    emu.faults.add({ path: '$batch', kind: 'drop-after-commit' });
    const outcomes = await target.write(creates('LOSTB', 5));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(await target.write(creates('LOSTB', 5))).toEqual(outcomes);
    await conn.close();
    expect(refs(emu, 'LOSTB')).toHaveLength(5);
    expect(emu.counters.requests['POST $batch']).toBe(1);
  });

  it('a $batch that failed before running: creates come back retryable, updates keep the error', async () => {
    const conn = await openTestConnection(emu);
    emu.faults.add({ path: '$batch', kind: '502-html' });
    const outcomes = await conn
      .target('journal-entries', {}, { keyField: 'Reference', mode: 'create' })
      .write(creates('F502', 3));
    await conn.close();
    expect(outcomes.map((o) => [o.ok, o.error?.code, o.error?.retryable])).toEqual([
      [false, 'SAP_B1_CREATE_NOT_CONFIRMED', true],
      [false, 'SAP_B1_CREATE_NOT_CONFIRMED', true],
      [false, 'SAP_B1_CREATE_NOT_CONFIRMED', true],
    ]);
    expect(refs(emu, 'F502')).toHaveLength(0);
  });

  it('master data updates travel with their ETags inside the batch', async () => {
    const conn = await openTestConnection(emu, { version: 'v1' });
    const bp = conn.target('business-partners', {}, { keyField: 'CardCode', mode: 'upsert' });
    const found = await bp.lookup(['C3001', 'C3002']);
    emu.state.BusinessPartners.set('C3002', {
      ...emu.state.BusinessPartners.get('C3002')!,
      Phone1: 'changed meanwhile',
    });
    const ops: WriteOp[] = ['C3001', 'C3002'].map((k) => ({
      op: 'update',
      key: k,
      id: k,
      record: { CreditLimit: 1234 },
      before: found.get(k)!.record,
      changes: [{ path: 'CreditLimit', before: 0, after: 1234 }],
    }));
    const outcomes = await bp.write(ops);
    await conn.close();
    expect(outcomes[0]).toEqual({ key: 'C3001', ok: true, id: 'C3001' });
    expect(outcomes[1]?.error).toMatchObject({ code: 'SAP_B1_ETAG_MISMATCH', retryable: false });
    expect(emu.state.BusinessPartners.get('C3001')?.CreditLimit).toBe(1234);
    expect(emu.state.BusinessPartners.get('C3002')?.CreditLimit).toBe(25000);
  });

  it('a session that expired is renewed before the $batch is replayed (401 means nothing ran)', async () => {
    const conn = await openTestConnection(emu);
    const target = conn.target('journal-entries', {}, { keyField: 'Reference', mode: 'create' });
    await target.lookup(['warm-up']);
    emu.faults.add({ path: '$batch', kind: 'expire-session' });
    const outcomes = await target.write(creates('EXP', 3));
    await conn.close();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(emu.counters.logins).toBe(2);
    expect(refs(emu, 'EXP')).toHaveLength(3);
  });
});
