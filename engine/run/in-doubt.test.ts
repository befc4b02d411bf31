/**
 * Writes whose outcome is unknown, through the whole session on SQLite and MariaDB: in doubt, never
 * failed; nothing re-sends them before the target's commit window has passed; the first run after it
 * settles them (found: written; absent: sent again, once). The clock is injected: no test waits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataset, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { ManualClock } from '../runtime/clock.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { SETTLE_MARGIN_MS } from '../apply/applier.js';

const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: async () => createTestDatabase('doubt') },
];

const WINDOW = 60_000;

describe.each(backends)('writes in doubt on $name', (backend) => {
  let state: StateStore;
  let drop: () => Promise<void>;
  let dir: string;
  let src: MemoryDataset;
  let dst: MemoryDataset;
  let clock: ManualClock;
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
    dst.commitWindowMs = WINDOW;
    clock = new ManualClock(Date.UTC(2026, 11, 1, 9, 0, 0), { autoAdvance: true });
    src.source = [
      { id: 'a', name: 'Alpha', amount: 1 },
      { id: 'b', name: 'Beta', amount: 2 },
      { id: 'c', name: 'Gamma', amount: 3 },
    ];
  });
  const pipeline = (extra: Parameters<typeof writePipeline>[1] = {}): string =>
    writePipeline(dir, { name: `doubt${n++}`, ...extra });

  it('a write that times out while the target is still working is never sent twice, and is settled after its window', async () => {
    const p = pipeline();
    dst.faults.push({ kind: 'slow-commit', times: 1 });
    const first = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(first.exitCode).toBe(3);
    expect(first.report.apply).toMatchObject({ created: 0, inDoubt: 3, failed: 0, retries: 0 });
    expect(dst.writes).toHaveLength(1);
    const att = await state.attentionList({ pipeline: first.report.pipeline });
    expect(att.map((e) => [e.sourceKey, e.stage, e.code, e.reasonClass])).toEqual([
      ['a', 'in-doubt', 'WRITE_IN_DOUBT', 'transient'],
      ['b', 'in-doubt', 'WRITE_IN_DOUBT', 'transient'],
      ['c', 'in-doubt', 'WRITE_IN_DOUBT', 'transient'],
    ]);
    const pending = await state.ledgerGet(first.report.pipeline, ['a']);
    const settleAfter = Date.parse(pending.get('a')!.settleAfter!);
    expect(settleAfter).toBe(clock.now() + WINDOW + SETTLE_MARGIN_MS);

    // An immediate rerun (another host, a takeover, a cron overlap): the target still works on the
    // batch, a look-up finds nothing — and nothing is sent.
    clock.advance(1_000);
    const second = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(second.exitCode).toBe(3);
    expect(second.report.plan?.counts).toMatchObject({ inDoubt: 3, create: 0 });
    expect(second.report.apply).toMatchObject({ inDoubt: 3, created: 0 });
    expect(dst.writes).toHaveLength(1);

    // A plan shows them as in doubt too, with when they settle.
    const plan = await session(state, { command: 'plan', pipelinePath: p, clock });
    expect(plan.ops.map((o) => `${o.op} ${o.key}`)).toEqual(['in-doubt a', 'in-doubt b', 'in-doubt c']);

    // The target finishes the slow batch; after the window the next run finds the records.
    expect(dst.landInFlight()).toBe(3);
    clock.set(settleAfter + 1);
    const third = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(third.exitCode).toBe(0);
    expect(third.report.settled).toMatchObject({ found: 3, absent: 0, waiting: 0 });
    expect(third.report.plan?.counts).toMatchObject({ create: 0, inDoubt: 0, noop: 3 });
    expect(dst.writes).toHaveLength(1);
    expect(dst.target.size).toBe(3);
    const ledger = await state.ledgerGet(third.report.pipeline, ['a', 'b', 'c']);
    expect([...ledger.values()].map((e) => [e.status, e.targetId !== null])).toEqual([
      ['written', true],
      ['written', true],
      ['written', true],
    ]);
    expect(await state.attentionList({ pipeline: third.report.pipeline, statuses: ['open', 'resync'] })).toEqual([]);
  });

  it('a lost request the target never applied is sent again once its window has passed, and only then', async () => {
    const p = pipeline();
    dst.faults.push({ kind: 'lost-request', times: 1 });
    const first = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(first.report.apply).toMatchObject({ inDoubt: 3, created: 0 });
    clock.advance(WINDOW); // still inside the window (the margin is not over)
    const early = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(early.report.apply).toMatchObject({ inDoubt: 3, created: 0 });
    expect(dst.writes).toHaveLength(1);
    clock.advance(SETTLE_MARGIN_MS + 1);
    const late = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(late.exitCode).toBe(0);
    expect(late.report.settled).toMatchObject({ found: 0, absent: 3 });
    expect(late.report.apply).toMatchObject({ created: 3, inDoubt: 0 });
    expect(dst.writes).toHaveLength(2);
    expect(dst.target.size).toBe(3);
  });

  it('an acknowledgement lost after the commit is found at once: written, nothing sent twice', async () => {
    const p = pipeline();
    dst.faults.push({ kind: 'lost-ack', keys: ['b'], times: 1 });
    const r = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(r.exitCode).toBe(0);
    expect(r.report.apply).toMatchObject({ created: 3, recovered: 3, inDoubt: 0 });
    expect(dst.writes).toHaveLength(1);
  });

  it('an in-doubt record the incremental source does not return again is created from its parked record', async () => {
    src.source = [
      { id: 'a', name: 'Alpha', amount: 1, modified: '2026-11-01T00:00:00' },
      { id: 'b', name: 'Beta', amount: 2, modified: '2026-11-02T00:00:00' },
    ];
    const p = pipeline({ source: { incremental: { field: 'modified' } } });
    dst.faults.push({ kind: 'lost-request', times: 1 });
    const first = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(first.report.apply?.inDoubt).toBe(2);
    expect(await state.cursorGet(first.report.pipeline)).toBe('2026-11-02T00:00:00'); // parked: the cursor moves
    src.source = [];
    clock.advance(WINDOW + SETTLE_MARGIN_MS + 1);
    const later = await session(state, { command: 'run', pipelinePath: p, clock, allowEmptySource: true });
    expect(later.exitCode).toBe(0);
    expect(later.report.apply?.created).toBe(2);
    expect(dst.target.get('b')?.record).toEqual({ id: 'b', name: 'Beta', amount: 2 });
  });

  it('a create refused for sure is parked and its pending row dropped; a 503 before processing is retried', async () => {
    const p = pipeline();
    dst.faults.push({ kind: 'throw-retryable', times: 1 }, { kind: 'record-final', keys: ['c'], times: 1 });
    const r = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(r.exitCode).toBe(3);
    expect(r.report.apply).toMatchObject({ created: 2, failed: 1, inDoubt: 0 });
    expect((await state.ledgerGet(r.report.pipeline, ['c'])).size).toBe(0);
  });

  it('an unexpected exception from a create is in doubt, not failed: held until its window passed', async () => {
    const p = pipeline();
    dst.onWrite = () => {
      throw new TypeError('socket hang up in a place nobody expected');
    };
    const first = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(first.exitCode).toBe(3);
    expect(first.report.apply).toMatchObject({ inDoubt: 3, failed: 0 });
    dst.onWrite = undefined;
    const rerun = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(rerun.report.plan?.counts.inDoubt).toBe(3);
    expect(dst.writes).toHaveLength(0);
    clock.advance(WINDOW + SETTLE_MARGIN_MS + 1);
    const settled = await session(state, { command: 'run', pipelinePath: p, clock });
    expect(settled.report.apply?.created).toBe(3);
    expect(dst.target.size).toBe(3);
  });
});
