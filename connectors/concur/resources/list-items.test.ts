import { afterEach, describe, expect, it } from 'vitest';
import type { DataRecord, WriteOp } from '../../../engine/connector/types.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import type { EmulatorState } from '../emulator/state.js';
import { openAgainst, readAll } from '../test-support.js';
import { checkListItem, lintListItemLiterals, listCodeProblems } from './list-items.def.js';

let emu: ConcurEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function seedProjects(count: number) {
  return (state: EmulatorState): void => {
    const list = state.listByName('Projects')!;
    for (let i = 0; i < count; i++) {
      const code = `S${String(i).padStart(5, '0')}`;
      state.listItems.set(`seed-${i}`, {
        id: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`,
        listId: list.id,
        code,
        shortCode: code,
        value: `Seeded project ${i}`,
        level: 1,
        isDeleted: false,
      });
    }
  };
}

describe('concur list-items', () => {
  it('rejects hyphens in codes and names (validate-time helper and per record)', () => {
    expect(listCodeProblems('CC100')).toEqual([]);
    expect(listCodeProblems('CC-100')[0]).toMatch(/hyphen/);
    expect(listCodeProblems('')).toHaveLength(1);
    expect(listCodeProblems('X'.repeat(33))[0]).toMatch(/longer than 32/);
  });

  it('reads a two-level list: divisions, then cost centers with long codes', async () => {
    emu = await startConcurEmulator();
    const connection = await openAgainst(emu);
    const items = (await readAll(connection, 'list-items', { list: 'Cost Centers' })).flat();
    expect(items.map((i) => i.code)).toEqual([
      'SALES',
      'RND',
      'OPS',
      'GNA',
      'SALES-CC100',
      'SALES-CC110',
      'RND-CC200',
      'RND-CC210',
      'OPS-CC300',
      'OPS-CC310',
      'GNA-CC400',
      'GNA-CC410',
    ]);
    expect(items[4]).toMatchObject({
      shortCode: 'CC100',
      parentCode: 'SALES',
      value: 'Sales',
      level: 2,
      isDeleted: false,
    });
  });

  it('pages through 2,000 items; a sync that changed k items costs the reads plus ceil(k/250) writes', async () => {
    emu = await startConcurEmulator({ seed: seedProjects(1980) });
    const connection = await openAgainst(emu);
    const pages = await readAll(connection, 'list-items', { list: 'Projects' });
    expect(pages.flat()).toHaveLength(2000);
    expect(emu.count({ path: '/list/v4/lists/:listId/children' })).toBe(20);

    emu.clearLog();
    const target = connection.target!('list-items', { list: 'Projects' }, { keyField: 'code', mode: 'upsert' });
    const keys = Array.from({ length: 2000 }, (_, i) =>
      i < 20 ? `P${1001 + i}` : `S${String(i - 20).padStart(5, '0')}`,
    );
    const existing = await target.lookup([...keys, 'NEW1']);
    expect(existing.size).toBe(2000);
    const reads = emu.count();
    const updates: WriteOp[] = keys.slice(0, 300).map((key) => {
      const before = existing.get(key)!;
      const record: DataRecord = { ...before.record, value: `${String(before.record.value)} renamed` };
      return {
        op: 'update',
        key,
        id: before.id,
        record,
        before: before.record,
        changes: [{ path: 'value', before: before.record.value, after: record.value }],
      };
    });
    const creates: WriteOp[] = Array.from({ length: 200 }, (_, i) => ({
      op: 'create',
      key: `N${1000 + i}`,
      record: { code: `N${1000 + i}`, value: `New project ${i}` },
    }));
    const outcomes = [
      ...(await target.write([...updates.slice(0, 250), ...creates])),
      ...(await target.write(updates.slice(250))),
    ];
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(reads).toBe(20 + 1); // 20 pages + the list lookup by name (the token is still valid)
    expect(emu.count({ method: 'PATCH', path: '/list/v4/lists/:listId/bulk' })).toBe(2);
    expect(emu.count({ method: 'POST', path: '/list/v4/lists/:listId/bulk' })).toBe(1);
    const list = emu.state.listByName('Projects')!;
    expect(emu.state.itemByCode(list.id, 'S00000')?.value).toBe('Seeded project 0 renamed');
    expect(emu.state.itemByCode(list.id, 'N1199')?.value).toBe('New project 199');
  });

  it('looks items up by the target key field, and follows a written item whose key changed', async () => {
    emu = await startConcurEmulator({ seed: seedProjects(500) });
    const connection = await openAgainst(emu);
    const target = connection.target!('list-items', { list: 'Projects' }, { keyField: 'value', mode: 'upsert' });
    const found = await target.lookup(['Seeded project 7', 'Seeded project 499', 'nothing']);
    expect([...found.keys()]).toEqual(['Seeded project 7', 'Seeded project 499']);
    expect(found.get('Seeded project 7')).toMatchObject({ id: 'S00007', record: { code: 'S00007' } });
    const before = found.get('Seeded project 7')!;
    const record: DataRecord = { ...before.record, value: 'Renamed project 7' };
    const [outcome] = await target.write([
      { op: 'update', key: 'Seeded project 7', id: before.id, record, before: before.record, changes: [] },
    ]);
    expect(outcome).toMatchObject({ ok: true });
    const pages = emu.count({ path: '/list/v4/lists/:listId/children' });
    const after = await target.lookup(['Seeded project 7', 'Renamed project 7']);
    expect([...after.keys()]).toEqual(['Renamed project 7']);
    expect(emu.count({ path: '/list/v4/lists/:listId/children' })).toBe(pages); // answered from the index
  });

  it('maps a 206 partial bulk response back to per-record outcomes, parents first', async () => {
    emu = await startConcurEmulator();
    const connection = await openAgainst(emu);
    const target = connection.target!('list-items', { list: 'Cost Centers' }, { keyField: 'code', mode: 'upsert' });
    const ops: WriteOp[] = [
      { op: 'create', key: 'MKT-CC510', record: { code: 'MKT-CC510', value: 'Brand' } },
      { op: 'create', key: 'MKT', record: { code: 'MKT', value: 'Marketing Division' } },
      { op: 'create', key: 'SALES-CC100', record: { shortCode: 'CC100', parentCode: 'SALES', value: 'Duplicate' } },
      { op: 'create', key: 'NOPE-CC999', record: { code: 'NOPE-CC999', value: 'Orphan' } },
      { op: 'create', key: 'SALES-CC1-X', record: { shortCode: 'CC1-X', parentCode: 'SALES', value: 'Hyphen' } },
      { op: 'create', key: 'SALES-CC150', record: { code: 'SALES-CC150', value: 'Channel - Partners' } },
    ];
    const outcomes = new Map((await target.write(ops)).map((o) => [o.key, o]));
    expect(outcomes.get('MKT')).toMatchObject({ ok: true, id: 'MKT' });
    expect(outcomes.get('MKT-CC510')).toMatchObject({ ok: true, id: 'MKT-CC510' });
    expect(outcomes.get('SALES-CC100')?.error).toMatchObject({
      code: 'CONCUR_LIST_ITEM_REJECTED',
      remoteCode: 'item.duplicate.code',
      retryable: false,
      writeOutcome: 'not-applied',
    });
    expect(outcomes.get('NOPE-CC999')?.error).toMatchObject({
      remoteCode: 'item.parent.not.found',
      retryable: false,
      writeOutcome: 'not-applied',
    });
    expect(outcomes.get('SALES-CC1-X')?.error).toMatchObject({
      code: 'CONCUR_LIST_ITEM_INVALID',
      retryable: false,
      writeOutcome: 'not-applied',
    });
    expect(outcomes.get('SALES-CC150')?.error?.message).toMatch(/name .* hyphen/);
    const bulk = emu.find({ method: 'POST', path: '/list/v4/lists/:listId/bulk' });
    expect(bulk.map((b) => b.status)).toEqual([206]);
    expect((bulk[0]!.requestBody as { requests: unknown[] }).requests).toHaveLength(4);
    expect(checkListItem({ shortCode: 'A-B', value: 'x' })[0]).toMatch(/hyphen/);
    expect(
      lintListItemLiterals({ shortCode: 'CC-1', code: 'SALES-CC100', value: 'Sales - East' }).map((p) => p.field),
    ).toEqual(['shortCode', 'value']);
  });

  it('deactivates through PATCH deleted:true and reactivates a deleted code instead of failing the create', async () => {
    emu = await startConcurEmulator();
    const connection = await openAgainst(emu);
    const target = connection.target!('list-items', { list: 'Projects' }, { keyField: 'code', mode: 'mirror' });
    const before = (await target.lookup(['P1001'])).get('P1001')!;
    const [del] = await target.write([
      { op: 'delete', key: 'P1001', id: before.id, action: 'deactivate', before: before.record },
    ]);
    expect(del).toMatchObject({ ok: true });
    const fresh = connection.target!('list-items', { list: 'Projects' }, { keyField: 'code', mode: 'upsert' });
    expect((await fresh.lookup(['P1001'])).get('P1001')?.active).toBe(false);
    const [again] = await connection.target!(
      'list-items',
      { list: 'Projects' },
      { keyField: 'code', mode: 'create' },
    ).write([{ op: 'create', key: 'P1001', record: { code: 'P1001', value: 'Calibration Rig Upgrade II' } }]);
    expect(again).toMatchObject({ ok: true });
    const list = emu.state.listByName('Projects')!;
    expect(emu.state.itemByCode(list.id, 'P1001')).toMatchObject({
      isDeleted: false,
      value: 'Calibration Rig Upgrade II',
    });
  });

  it('reports a lost bulk response as retryable; the committed item is found by the next lookup', async () => {
    emu = await startConcurEmulator();
    const connection = await openAgainst(emu);
    const target = connection.target!('list-items', { list: 'Projects' }, { keyField: 'code', mode: 'upsert' });
    await target.lookup(['P1030']);
    emu.faults.add({ path: /\/bulk$/, method: 'POST', kind: 'drop-after-commit' });
    const [outcome] = await target.write([
      { op: 'create', key: 'P1030', record: { code: 'P1030', value: 'Budget Planning Tool' } },
    ]);
    expect(outcome?.ok).toBe(false);
    expect(outcome?.error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true, writeOutcome: 'unknown' });
    expect(emu.count({ method: 'POST', path: '/list/v4/lists/:listId/bulk' })).toBe(1);
    // The same target does not answer from what it read before the write: it reads the list again.
    expect((await target.lookup(['P1030'])).get('P1030')?.record).toMatchObject({ value: 'Budget Planning Tool' });
    const found = await connection.target!(
      'list-items',
      { list: 'Projects' },
      { keyField: 'code', mode: 'upsert' },
    ).lookup(['P1030']);
    expect(found.get('P1030')?.record).toMatchObject({ value: 'Budget Planning Tool' });
  });
});
