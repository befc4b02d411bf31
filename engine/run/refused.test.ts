/**
 * Records the target refused (its write, or while preparing them) are not sent again while nothing
 * that could change the outcome changed on our side: sent at once when their source record, the
 * pipeline or its lookups change, or on a re-sync; otherwise by the first run after their retry time
 * (doubling, never capped). Held, their target records survive mirror deletes and their entries
 * stay open with the same count. On SQLite and MariaDB.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { listAttention } from '../ops/attention.js';
import { requestResync } from '../ops/resync.js';
import { ManualClock } from '../runtime/clock.js';
import { PARKED_RETRY } from '../state/attention.js';

const ROWS = { resource: 'rows' };
const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('refused') },
];

describe.each(backends)('records the target refused, on $name', (backend) => {
  const h = memoryHarness(backend.open);
  const clock = (): ManualClock => new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
  /** How many write operations the target got for source key `b`. */
  const sentB = (): number => h.dst.writes.flat().filter((op) => op.key === 'b').length;
  const entryB = async (name: string) =>
    (await listAttention(h.state, { pipeline: name })).find((e) => e.sourceKey === 'b');

  it('are not sent again while nothing changed, then once per retry time, doubling and never capped', async () => {
    const name = h.name('wait');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const c = clock();
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    expect((await session(h.state, { command: 'run', pipelinePath: p, clock: c })).exitCode).toBe(3);
    expect(sentB()).toBe(1);
    const parked = await entryB(name);
    expect(parked).toMatchObject({ stage: 'apply', code: 'REJECTED', reasonClass: 'data', occurrences: 1 });
    expect(Date.parse(parked!.retryAfter!) - c.now()).toBeGreaterThan(PARKED_RETRY.baseMs - 1000);

    c.advance(60_000);
    const held = await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect(held.exitCode).toBe(0);
    expect(sentB()).toBe(1);
    expect(held.report.plan?.warnings.join('\n')).toContain('1 record(s) the target refused are not sent again');
    expect(await entryB(name)).toMatchObject({ status: 'open', occurrences: 1, message: parked!.message });

    c.advance(PARKED_RETRY.baseMs); // due: sent once more, refused again, the next wait is twice as long
    await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect(sentB()).toBe(2);
    const again = await entryB(name);
    expect(again?.occurrences).toBe(2);
    expect(Date.parse(again!.retryAfter!) - c.now()).toBeGreaterThan(2 * PARKED_RETRY.baseMs - 1000);
    c.advance(PARKED_RETRY.baseMs);
    await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect(sentB()).toBe(2);

    // never out of attempts: the target side may be fixed any time
    for (let n = 3; n <= PARKED_RETRY.maxAttempts + 2; n++) {
      c.advance(PARKED_RETRY.maxMs);
      await session(h.state, { command: 'run', pipelinePath: p, clock: c });
      expect(sentB()).toBe(n);
    }
    h.dst.faults = []; // someone fixed it in the target
    c.advance(PARKED_RETRY.maxMs);
    expect((await session(h.state, { command: 'run', pipelinePath: p, clock: c })).exitCode).toBe(0);
    expect(h.dst.target.has('b')).toBe(true);
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
  });

  it('are sent at once when their source record changes, or the pipeline, or its lookups', async () => {
    const name = h.name('changed');
    const p = writePipeline(h.dir, {
      name,
      source: ROWS,
      extra: { lookups: { names: { connection: 'src', resource: 'records', key: 'id' } } },
      transform: '{ "id": id, "name": $lookup("names", id).name, "amount": amount }',
    });
    const c = clock();
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect(sentB()).toBe(1);
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });

    h.src.source[1] = { id: 'b', name: 'Beta', amount: 20 };
    await run();
    expect(sentB()).toBe(2);
    await run(); // refused again with the new record: held again
    expect(sentB()).toBe(2);

    writeFileSync(p, readFileSync(p, 'utf8') + '\ndescription: edited\n');
    await run();
    expect(sentB()).toBe(3);
    await run();
    expect(sentB()).toBe(3);

    h.src.source.push({ id: 'd', name: 'Delta', amount: 4 }); // the lookup reads the same dataset
    await run();
    expect(sentB()).toBe(4);
    expect((await entryB(name))?.occurrences).toBe(4);
    expect(c.now() - Date.UTC(2026, 0, 15, 12)).toBeLessThan(PARKED_RETRY.baseMs); // none of it was due
  });

  it('are sent by a re-sync, and a held one keeps its target record in mirror mode', async () => {
    const name = h.name('mirror');
    const p = writePipeline(h.dir, {
      name,
      source: ROWS,
      target: { mode: 'mirror', deletes: { action: 'delete', maxPercent: 100 } },
    });
    const c = clock();
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });
    await run();
    expect(h.dst.target.get('b')?.record.amount).toBe(2);
    h.src.source[1] = { id: 'b', name: 'Beta', amount: 20 };
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    await run(); // the update is refused
    expect((await entryB(name))?.stage).toBe('apply');
    const sent = sentB();
    const held = await run();
    expect(held.exitCode).toBe(0);
    expect(sentB()).toBe(sent);
    expect(held.report.plan?.counts.delete ?? 0).toBe(0);
    expect(h.dst.target.get('b')?.record.amount).toBe(2);

    h.dst.faults = [];
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    expect((await run()).exitCode).toBe(0);
    expect(sentB()).toBe(sent + 1);
    expect(h.dst.target.get('b')?.record.amount).toBe(20);
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
  });

  it('are held also without unchanged-source skipping, and nothing is confirmed to the source for them', async () => {
    const name = h.name('confirming');
    const p = writePipeline(h.dir, { name }); // the records resource confirms outcomes: every record is evaluated
    const c = clock();
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    const confirmedB = () => h.src.confirmed.filter((x) => x.sourceKey === 'b').map((x) => x.status);
    expect(confirmedB()).toEqual(['failure']);
    c.advance(60_000);
    const held = await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect(held.exitCode).toBe(0);
    expect(sentB()).toBe(1);
    expect(confirmedB()).toEqual(['failure']); // b was not attempted, so nothing is said about it
    expect(h.src.confirmed.filter((x) => x.sourceKey === 'a')).toHaveLength(2);
  });

  it('refused when a saved plan is applied are held by the next run like any other', async () => {
    const name = h.name('saved');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const c = clock();
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    const planPath = join(h.dir, 'plan.json');
    await session(h.state, { command: 'plan', pipelinePath: p, planOut: planPath, clock: c });
    expect((await session(h.state, { command: 'apply', planPath, clock: c })).exitCode).toBe(3);
    expect(sentB()).toBe(1);
    expect((await entryB(name))?.retryAfter).not.toBeNull();
    await session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect(sentB()).toBe(1);
  });

  it('refused while the target prepares them are held too; the engine’s own checks are not', async () => {
    const name = h.name('prepare');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const c = clock();
    const prepared: string[] = [];
    h.dst.prepare = (r) => {
      prepared.push(String(r.id));
      return r.id === 'b'
        ? { ok: false, code: 'PERIOD_CLOSED', message: 'the posting period is closed', reasonClass: 'data' }
        : { ok: true, record: r };
    };
    h.src.source[2] = { id: 'c', name: 'Gamma', amount: -3 }; // refused by the resource's static check
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });
    await run();
    const first = await listAttention(h.state, { pipeline: name });
    expect(first.map((e) => [e.sourceKey, e.stage, e.code, e.retryAfter !== null])).toEqual([
      ['b', 'check', 'PERIOD_CLOSED', true],
      ['c', 'check', 'CHECK_FAILED', false],
    ]);
    expect(prepared.filter((k) => k === 'b')).toHaveLength(1);
    await run();
    expect(prepared.filter((k) => k === 'b')).toHaveLength(1); // not asked again
    const second = await listAttention(h.state, { pipeline: name });
    expect(second.map((e) => [e.sourceKey, e.occurrences])).toEqual([
      ['b', 1],
      ['c', 2], // the engine's own check costs no call: as before, every run
    ]);
  });

  it('refused for a configuration problem are attempted by the next run, keeping their class; data ones wait', async () => {
    const name = h.name('config');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const c = clock();
    const prepared: string[] = [];
    let fixed = false; // set up on the target's side: nothing the fingerprint covers changes
    h.dst.prepare = (r) => {
      prepared.push(String(r.id));
      if (r.id === 'b')
        return { ok: false, code: 'PERIOD_CLOSED', message: 'the posting period is closed', reasonClass: 'data' };
      if (r.id === 'c' && !fixed)
        return { ok: false, code: 'SERIES_UNKNOWN', message: 'no document series is set up', reasonClass: 'config' };
      return { ok: true, record: r };
    };
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect((await run()).exitCode).toBe(3);
    const first = await listAttention(h.state, { pipeline: name });
    expect(first.map((e) => [e.sourceKey, e.reasonClass, e.retryAfter !== null])).toEqual([
      ['b', 'data', true],
      ['c', 'config', false],
    ]);

    c.advance(60_000); // no retry time has come, nothing changed
    const next = await run();
    expect(next.exitCode).toBe(3);
    expect(['b', 'c'].map((k) => prepared.filter((x) => x === k).length)).toEqual([1, 2]);
    const second = await listAttention(h.state, { pipeline: name });
    expect(second.map((e) => [e.sourceKey, e.reasonClass, e.code, e.message, e.occurrences])).toEqual([
      ['b', 'data', 'PERIOD_CLOSED', 'the posting period is closed', 1],
      ['c', 'config', 'SERIES_UNKNOWN', 'no document series is set up', 2],
    ]);
    expect(next.report.plan?.warnings.join('\n')).toContain('1 record(s) the target refused are not sent again');

    fixed = true;
    c.advance(60_000);
    await run();
    expect([h.dst.target.has('b'), h.dst.target.has('c')]).toEqual([false, true]);
    expect((await listAttention(h.state, { pipeline: name })).map((e) => e.sourceKey)).toEqual(['b']);
  });

  it('refused for their credentials are written by the next run once the secret is rotated', async () => {
    const name = h.name('auth');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const c = clock();
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });
    h.dst.faults.push({ kind: 'throw-auth', times: 1 });
    expect((await run()).exitCode).not.toBe(0);
    const parked = await listAttention(h.state, { pipeline: name });
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((e) => e.reasonClass === 'auth' && e.stage === 'apply' && e.retryAfter === null)).toBe(true);

    c.advance(60_000); // the secret was rotated in the vault: the connections file is the same
    const next = await run();
    expect(next.exitCode).toBe(0);
    expect(next.report.plan?.warnings.join('\n') ?? '').not.toContain('the target refused');
    expect([...h.dst.target.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
  });
});
