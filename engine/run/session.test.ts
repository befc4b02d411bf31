import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataset, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { openStateStore, type StateStore } from '../state/store.js';

const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: async () => createTestDatabase('run') },
];

describe.each(backends)('plan / run / apply on $name', (backend) => {
  let state: StateStore;
  let drop: () => Promise<void>;
  let dir: string;
  let src: MemoryDataset;
  let dst: MemoryDataset;
  let n = 0;

  beforeAll(async () => {
    const db = await backend.open();
    drop = db.drop;
    state = await openStateStore({ url: db.url, secretKey: 'k'.repeat(64) });
  });
  afterAll(async () => {
    await state.close();
    await drop();
  });
  beforeEach(() => {
    dir = tempDir();
    src = dataset(`${dir}:src`);
    dst = dataset(`${dir}:dst`);
    src.source = [
      { id: 'a', name: 'Alpha', amount: 1 },
      { id: 'b', name: 'Beta', amount: 2 },
      { id: 'c', name: 'Gamma', amount: 3 },
    ];
  });
  const name = (): string => `p${n++}`;

  it('creates on the first run, changes nothing on the second, updates exactly the changed record', async () => {
    const p = writePipeline(dir, { name: name() });
    const first = await session(state, { command: 'run', pipelinePath: p });
    expect(first.exitCode).toBe(0);
    expect(first.report.plan?.counts).toMatchObject({ read: 3, create: 3, update: 0 });
    expect(first.report.apply).toMatchObject({ created: 3, failed: 0 });
    expect([...dst.target.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(dst.writes.map((w) => w.length)).toEqual([3]); // one bulk call of bulkSize 3

    const second = await session(state, { command: 'run', pipelinePath: p });
    expect(second.report.plan?.counts).toMatchObject({ create: 0, update: 0, noop: 3 });
    expect(dst.calls.write).toBe(1);

    src.source[1] = { id: 'b', name: 'Beta 2', amount: 2 };
    const planned = await session(state, { command: 'plan', pipelinePath: p });
    const third = await session(state, { command: 'run', pipelinePath: p });
    expect(third.report.plan?.counts).toMatchObject({ update: 1, noop: 2 });
    expect(planned.ops).toHaveLength(1);
    expect(planned.ops[0]).toMatchObject({
      op: 'update',
      key: 'b',
      changes: [{ path: 'name', before: 'Beta', after: 'Beta 2' }],
    });
    expect(dst.target.get('b')?.record.name).toBe('Beta 2');
  });

  it('plan writes nothing and reports changes with the detailed exit code', async () => {
    const p = writePipeline(dir, { name: name() });
    const planned = await session(state, { command: 'plan', pipelinePath: p });
    expect(planned.exitCode).toBe(4);
    expect(planned.ops.map((o) => [o.op, o.key])).toEqual([
      ['create', 'a'],
      ['create', 'b'],
      ['create', 'c'],
    ]);
    expect(dst.target.size).toBe(0);
    expect(dst.calls.write).toBe(0);
    await session(state, { command: 'run', pipelinePath: p });
    expect((await session(state, { command: 'plan', pipelinePath: p })).exitCode).toBe(0);
  });

  it('tells progress how many writes apply will make before it starts', async () => {
    const p = writePipeline(dir, { name: name() });
    const totals: number[] = [];
    await session(state, { command: 'run', pipelinePath: p, onApplyStart: (t) => totals.push(t) });
    src.source[0]!.name = 'Alpha 2';
    src.source.push({ id: 'd', name: 'Delta', amount: 4 });
    await session(state, { command: 'run', pipelinePath: p, onApplyStart: (t) => totals.push(t) });
    expect(totals).toEqual([3, 2]);
  });

  it('a plan with changes but without the detailed exit code exits 0 and is recorded so', async () => {
    const p = writePipeline(dir, { name: name() });
    const planned = await session(state, { command: 'plan', pipelinePath: p, detailedExitcode: false });
    expect(planned.exitCode).toBe(0);
    const [last] = await state.runList(planned.report.pipeline, 1);
    expect(last).toMatchObject({ exitCode: 0, status: 'succeeded' });
  });

  it('applies exactly a saved plan, and refuses a stale one without writing', async () => {
    const p = writePipeline(dir, { name: name() });
    const planPath = join(dir, 'plan.json');
    await session(state, { command: 'plan', pipelinePath: p, planOut: planPath });
    const doc = JSON.parse(readFileSync(planPath, 'utf8')) as {
      operations: unknown[];
      pipeline: { hash: string };
      summary: { targetStateHash: string };
    };
    expect(doc.operations).toHaveLength(3);
    expect(doc.pipeline.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.summary.targetStateHash).toMatch(/^[0-9a-f]{64}$/);

    // someone writes record b into the target meanwhile: the plan no longer holds
    dst.target.set('b', { id: 'X1', record: { id: 'b', name: 'manual' }, active: true });
    const stale = await session(state, { command: 'apply', planPath });
    expect(stale.exitCode).toBe(2);
    expect(stale.report.error?.code).toBe('PLAN_STALE');
    expect(stale.report.error?.message).toContain('b (now exists)');
    expect(dst.calls.write).toBe(0);

    dst.target.delete('b');
    const applied = await session(state, { command: 'apply', planPath });
    expect(applied.exitCode).toBe(0);
    expect(applied.report.apply?.created).toBe(3);
    expect(dst.target.size).toBe(3);
  });

  it('refuses a plan whose pipeline file changed', async () => {
    const p = writePipeline(dir, { name: name() });
    const planPath = join(dir, 'plan.json');
    await session(state, { command: 'plan', pipelinePath: p, planOut: planPath });
    writeFileSync(p, readFileSync(p, 'utf8') + '\ndescription: edited\n');
    const r = await session(state, { command: 'apply', planPath });
    expect(r.exitCode).toBe(2);
    expect(r.report.error).toMatchObject({ code: 'PLAN_STALE' });
    expect(r.report.error?.message).toContain('changed since the plan was made');
    expect(dst.calls.write).toBe(0);
  });

  it('parks a record whose transform fails, writes the others, and resolves it once fixed', async () => {
    const p = writePipeline(dir, {
      name: name(),
      transform:
        '{ "id": id, "name": $uppercase(name), "amount": amount > 2 ? $error("amount too large for " & id) : amount }',
    });
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.attention.count).toBe(1);
    expect([...dst.target.keys()].sort()).toEqual(['a', 'b']);
    const [entry] = await state.attentionList({ pipeline: r.report.pipeline, statuses: ['open'] });
    expect(entry).toMatchObject({
      sourceKey: 'c',
      stage: 'transform',
      message: 'amount too large for c',
      payload: { id: 'c', name: 'Gamma', amount: 3 },
    });
    src.source[2] = { id: 'c', name: 'Gamma', amount: 0 };
    const again = await session(state, { command: 'run', pipelinePath: p });
    expect(again.exitCode).toBe(0);
    expect(await state.attentionList({ pipeline: r.report.pipeline, statuses: ['open'] })).toEqual([]);
  });

  it('writes neither of two records with the same dedupe key and names both', async () => {
    src.source.push({ id: 'd', name: 'Alpha', amount: 4 });
    const p = writePipeline(dir, { name: name(), transform: '{ "id": name, "amount": amount }' });
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect([...dst.target.keys()].sort()).toEqual(['Beta', 'Gamma']);
    const entries = await state.attentionList({ pipeline: r.report.pipeline });
    expect(entries.map((e) => e.sourceKey).sort()).toEqual(['a', 'd']);
    for (const e of entries) expect(e.message).toContain('(a, d)');
    expect(r.report.plan?.counts).toMatchObject({ create: 2, attention: 2 });
  });

  it('mirror deletes only records it created, within the threshold, and never on an empty source', async () => {
    dst.target.set('foreign', { id: 'F1', record: { id: 'foreign', name: 'not ours' }, active: true });
    const p = writePipeline(dir, {
      name: name(),
      target: { mode: 'mirror', deletes: { action: 'deactivate', maxPercent: 50 } },
    });
    await session(state, { command: 'run', pipelinePath: p });
    src.source = src.source.filter((r) => r.id !== 'c');
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.report.plan?.counts.delete).toBe(1);
    expect(dst.target.get('c')?.active).toBe(false);
    expect(dst.target.get('foreign')?.active).toBe(true);
    // the record comes back: reactivated by an update
    src.source.push({ id: 'c', name: 'Gamma', amount: 3 });
    const back = await session(state, { command: 'plan', pipelinePath: p });
    expect(back.ops[0]).toMatchObject({ op: 'update', key: 'c', reactivate: true });
    await session(state, { command: 'run', pipelinePath: p });
    expect(dst.target.get('c')?.active).toBe(true);

    src.source = [];
    const empty = await session(state, { command: 'run', pipelinePath: p });
    expect(empty.report.plan?.counts.delete).toBe(0);
    expect(empty.report.plan?.warnings.join()).toContain('no records');
    expect([...dst.target.values()].every((row) => row.active)).toBe(true);
  });

  it('mirror deletes of adopted records only with deletes.scope: managed', async () => {
    for (const r of src.source)
      dst.target.set(String(r.id), { id: `T-${String(r.id)}`, record: { ...r }, active: true });
    const plain = writePipeline(dir, { name: name(), target: { mode: 'mirror', deletes: { maxPercent: 50 } } });
    const adopted = await session(state, { command: 'run', pipelinePath: plain });
    expect(adopted.report.apply?.adopted).toBe(3);
    src.source = src.source.filter((r) => r.id !== 'c');
    expect((await session(state, { command: 'plan', pipelinePath: plain })).report.plan?.counts.delete).toBe(0);
    const managed = writePipeline(dir, {
      name: name(),
      target: { mode: 'mirror', deletes: { maxPercent: 50, scope: 'managed' } },
    });
    src.source.push({ id: 'c', name: 'Gamma', amount: 3 });
    await session(state, { command: 'run', pipelinePath: managed });
    src.source = src.source.filter((r) => r.id !== 'c');
    const r = await session(state, { command: 'run', pipelinePath: managed });
    expect(r.report.plan?.counts.delete).toBe(1);
    expect(dst.target.get('c')?.active).toBe(false);
  });

  it('deletes.minCount lets a small list lose a record the percentage alone would block', async () => {
    src.source.push({ id: 'd', name: 'Delta', amount: 4 }, { id: 'e', name: 'Epsilon', amount: 5 });
    const strict = writePipeline(dir, { name: name(), target: { mode: 'mirror', deletes: { maxPercent: 10 } } });
    await session(state, { command: 'run', pipelinePath: strict });
    src.source = src.source.filter((r) => r.id !== 'e');
    const blocked = await session(state, { command: 'plan', pipelinePath: strict });
    expect(blocked.report.plan?.guard).toMatchObject({ blocked: true, candidates: 1, owned: 5 });
    const floor = writePipeline(dir, {
      name: name(),
      target: { mode: 'mirror', deletes: { maxPercent: 10, minCount: 1, scope: 'managed' } }, // it adopts what strict created
    });
    src.source.push({ id: 'e', name: 'Epsilon', amount: 5 });
    await session(state, { command: 'run', pipelinePath: floor });
    src.source = src.source.filter((r) => r.id !== 'd' && r.id !== 'e');
    const two = await session(state, { command: 'plan', pipelinePath: floor });
    expect(two.report.plan?.guard).toMatchObject({ blocked: true, candidates: 2 });
    src.source.push({ id: 'd', name: 'Delta', amount: 4 });
    const one = await session(state, { command: 'run', pipelinePath: floor });
    expect(one.report.plan?.guard).toMatchObject({ blocked: false, candidates: 1 });
    expect(dst.target.get('e')?.active).toBe(false);
  });

  it('leaves a deactivated target record alone when the source says it is inactive too', async () => {
    const p = writePipeline(dir, { name: name(), transform: '{ "id": id, "name": name, "active": false }' });
    await session(state, { command: 'run', pipelinePath: p });
    for (const row of dst.target.values()) row.active = false;
    const again = await session(state, { command: 'plan', pipelinePath: p });
    expect(again.report.plan?.counts).toMatchObject({ update: 0, noop: 3 });
  });

  it('mirror refuses every delete over the threshold and when the source read fails', async () => {
    const p = writePipeline(dir, {
      name: name(),
      target: { mode: 'mirror', deletes: { action: 'delete', maxPercent: 40 } },
    });
    await session(state, { command: 'run', pipelinePath: p });
    src.source = [src.source[0]!];
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.plan?.guard).toMatchObject({ blocked: true, candidates: 2, owned: 3 });
    expect(dst.target.size).toBe(3);
    const override = await session(state, { command: 'run', pipelinePath: p, maxDeletePercent: 100 });
    expect(override.report.apply?.deleted).toBe(2);
    expect([...dst.target.keys()]).toEqual(['a']);

    src.failRead = true;
    const failed = await session(state, { command: 'run', pipelinePath: p });
    expect(failed.exitCode).toBe(1);
    expect(failed.report.error?.code).toBe('READ_FAILED');
    expect(dst.target.size).toBe(1);
  });

  it('withholds mirror deletes when a record failed before its key was known', async () => {
    const p = writePipeline(dir, {
      name: name(),
      transform: '{ "id": id, "amount": amount = 9 ? $error("bad") : amount }',
      target: { mode: 'mirror', deletes: { action: 'delete', maxPercent: 100 } },
    });
    await session(state, { command: 'run', pipelinePath: p });
    src.source = [
      { id: 'a', amount: 1 },
      { id: 'b', amount: 9 },
    ];
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.report.plan?.counts.delete).toBe(0);
    expect(dst.target.has('b')).toBe(true);
    expect(dst.target.has('c')).toBe(true);
  });

  it('a lost acknowledgement after commit is found by key before the retry: one record, not two', async () => {
    const p = writePipeline(dir, { name: name() });
    dst.faults.push({ kind: 'lost-ack', keys: ['b'], times: 1 });
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(0);
    expect(r.report.apply).toMatchObject({ created: 3, recovered: 3, adopted: 0 });
    expect(dst.target.size).toBe(3);
    expect(dst.writes).toHaveLength(1); // nothing was sent twice
    const ledger = await state.ledgerGet(r.report.pipeline, ['a', 'b', 'c']);
    expect([...ledger.values()].map((e) => e.status)).toEqual(['written', 'written', 'written']);
  });

  it('retries retryable failures, parks final ones, and keeps the rest', async () => {
    const p = writePipeline(dir, { name: name() });
    dst.faults.push(
      { kind: 'throw-retryable', times: 1 },
      { kind: 'record-final', keys: ['c'], times: 1 },
      { kind: 'record-retryable', keys: ['a'], times: 1 },
    );
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect([...dst.target.keys()].sort()).toEqual(['a', 'b']);
    expect(r.report.apply).toMatchObject({ created: 2, failed: 1 });
    const [entry] = await state.attentionList({ pipeline: r.report.pipeline });
    expect(entry).toMatchObject({ sourceKey: 'c', stage: 'apply', code: 'REJECTED' });
    expect(entry?.message).toContain('record c rejected');
  });

  it('locks differing posted records and parks check failures before sending', async () => {
    dst.target.set('a', { id: 'J1', record: { ref: 'a', total: 5 }, active: true });
    src.source.push({ id: 'n', name: 'neg', amount: -1 });
    const p = writePipeline(dir, {
      name: name(),
      target: { resource: 'postings', mode: 'create', key: 'ref' },
      transform: '{ "ref": id, "total": amount }',
    });
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.report.plan?.counts).toMatchObject({ create: 3, locked: 1 });
    expect(dst.target.get('a')?.record.total).toBe(5);
    const entries = await state.attentionList({ pipeline: r.report.pipeline });
    expect(entries.find((e) => e.sourceKey === 'a')).toMatchObject({ stage: 'locked', code: 'TARGET_LOCKED' });
    expect(r.exitCode).toBe(3);
  });

  it('moves the cursor only when the run succeeds, and reads from it next time', async () => {
    src.source = [
      { id: 'a', name: 'A', amount: 1, modified: '2024-01-01T10:00:00' },
      { id: 'b', name: 'B', amount: 2, modified: '2024-01-03T10:00:00' },
    ];
    const p = writePipeline(dir, { name: name(), source: { incremental: { field: 'modified', lookback: 'PT1H' } } });
    dst.faults.push({ kind: 'throw-final', times: 5 });
    // a final write failure parks both records: they are handled, the cursor moves
    const r1 = await session(state, { command: 'run', pipelinePath: p });
    expect(r1.exitCode).toBe(3);
    expect(await state.cursorGet(r1.report.pipeline)).toBe('2024-01-03T10:00:00');
    // a failing source read leaves the cursor where it was
    src.failRead = true;
    src.source.push({ id: 'c', name: 'C', amount: 3, modified: '2024-01-05T00:00:00' });
    const r2 = await session(state, { command: 'run', pipelinePath: p });
    expect(r2.exitCode).toBe(1);
    expect(await state.cursorGet(r1.report.pipeline)).toBe('2024-01-03T10:00:00');
    src.failRead = false;
    dst.faults = [];
    const r3 = await session(state, { command: 'run', pipelinePath: p, resync: false });
    expect(r3.report.plan?.cursor).toMatchObject({ from: '2024-01-03T10:00:00', to: '2024-01-05T00:00:00' });
    expect(r3.report.plan?.counts.read).toBe(2); // b (within the lookback) and c
  });

  it('re-syncs parked records from their stored payload', async () => {
    const p = writePipeline(dir, { name: name(), source: { incremental: { field: 'id' } } });
    dst.faults.push({ kind: 'record-final', keys: ['a'], times: 1 });
    const r1 = await session(state, { command: 'run', pipelinePath: p });
    expect(r1.exitCode).toBe(3);
    src.source = []; // the source will not return it again
    await state.attentionMarkResync(r1.report.pipeline);
    const r2 = await session(state, { command: 'run', pipelinePath: p, allowEmptySource: true });
    expect(r2.exitCode).toBe(0);
    expect(dst.target.has('a')).toBe(true);
    expect(await state.attentionList({ pipeline: r1.report.pipeline, statuses: ['open', 'resync'] })).toEqual([]);
  });

  it('confirms each source record to a confirm-capable source after apply', async () => {
    src.source.push({ id: 'd', name: 'Delta', amount: 0 });
    const p = writePipeline(dir, {
      name: name(),
      transform:
        'amount = 0 ? undefined : { "id": id, "amount": amount = 2 ? $error("no mapping for " & name) : amount }',
    });
    await session(state, { command: 'run', pipelinePath: p });
    expect(src.confirmed.sort((x, y) => x.sourceKey.localeCompare(y.sourceKey))).toEqual([
      { sourceKey: 'a', status: 'success', targetId: expect.any(String) as string },
      { sourceKey: 'b', status: 'failure' },
      { sourceKey: 'c', status: 'success', targetId: expect.any(String) as string },
      { sourceKey: 'd', status: 'success' }, // skipped on purpose: nothing to post
    ]);
  });

  it('keeps of each source record only what its confirmation needs, when the source says so', async () => {
    const p = writePipeline(dir, { name: name() });
    await session(state, { command: 'run', pipelinePath: p });
    expect(src.confirmedRecords.get('a')).toEqual({ id: 'a', name: 'Alpha', amount: 1 });
    src.confirmKeeps = (r) => ({ id: r.id });
    src.source.push({ id: 'd', name: 'Delta', amount: 4 });
    src.confirmedRecords.clear();
    await session(state, { command: 'run', pipelinePath: p, full: true });
    expect(src.confirmedRecords.get('d')).toEqual({ id: 'd' });
    expect(src.confirmed.filter((c) => c.sourceKey === 'd')).toEqual([
      { sourceKey: 'd', status: 'success', targetId: expect.any(String) as string },
    ]);
  });

  it('keeps of each target record only what the confirmation needs, when the source says so', async () => {
    const p = writePipeline(dir, { name: name() });
    await session(state, { command: 'run', pipelinePath: p });
    expect(src.confirmedTargets.get('a')).toMatchObject({ id: 'a', amount: 1 });
    src.confirmKeepsTarget = (r) => ({ amount: r.amount });
    src.source.push({ id: 'd', name: 'Delta', amount: 4 });
    src.source.push({ id: 'e', name: 'Echo', amount: 5 });
    await session(state, { command: 'run', pipelinePath: p });
    expect(src.confirmedTargets.get('d')).toEqual({ amount: 4 });
    src.confirmKeepsTarget = () => undefined;
    src.source.find((r) => r.id === 'e')!.amount = 6;
    await session(state, { command: 'run', pipelinePath: p });
    expect(src.confirmedTargets.has('e')).toBe(true);
    expect(src.confirmedTargets.get('e')).toBeUndefined();
    expect(src.confirmed.filter((c) => c.sourceKey === 'e').at(-1)).toMatchObject({ status: 'success' });
  });

  it('confirms a locked record as not posted, with the reason; a plan confirms nothing', async () => {
    const p = writePipeline(dir, { name: name() });
    await session(state, { command: 'plan', pipelinePath: p });
    expect(src.confirmed).toEqual([]);
    dst.target.set('a', { id: 'X', record: { id: 'a', name: 'other' }, active: true, locked: 'posted' });
    await session(state, { command: 'run', pipelinePath: p });
    expect(src.confirmed.find((c) => c.sourceKey === 'a')).toEqual({ sourceKey: 'a', status: 'failure' });
    expect(src.confirmed.filter((c) => c.status === 'success')).toHaveLength(2);
  });

  it('one run at a time: a held lease refuses a second run', async () => {
    const p = writePipeline(dir, { name: name() });
    const pipeline = `p${n - 1}`;
    await state.acquireLease(pipeline, 'other-run', 60_000);
    const r = await session(state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(1);
    expect(r.report.error?.code).toBe('LEASE_HELD');
    expect(dst.calls.write).toBe(0);
    const forced = await session(state, { command: 'run', pipelinePath: p, force: true });
    expect(forced.exitCode).toBe(0);
  });
});
