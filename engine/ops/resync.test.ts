/**
 * Re-sync and transient retries through real sessions, on SQLite and MariaDB: requested records
 * bypass unchanged-source skipping, are logged with trigger `resync`, close their requests; a
 * posted record the target lost is posted anew only when asked; transient entries are retried by
 * later runs with backoff and a cap.
 */
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { ManualClock } from '../runtime/clock.js';
import { PARKED_RETRY } from '../state/attention.js';
import { logList } from '../state/log.js';
import { resyncList } from '../state/resync.js';
import { listAttention } from './attention.js';
import { queryLog } from './log.js';
import { requestResync } from './resync.js';

const ROWS = { resource: 'rows' };
const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('resync') },
];

describe.each(backends)('re-sync on $name', (backend) => {
  const h = memoryHarness(backend.open);

  it('a re-sync by key updates a drifted target record that unchanged-source skipping leaves alone', async () => {
    const name = h.name('drift');
    const p = writePipeline(h.dir, { name, source: ROWS });
    await session(h.state, { command: 'run', pipelinePath: p });
    h.dst.target.get('b')!.record.name = 'edited in the target';
    const skipped = await session(h.state, { command: 'run', pipelinePath: p });
    expect(skipped.report.plan?.counts).toMatchObject({ unchanged: 3, update: 0 });

    const stored = await requestResync(h.state, { pipeline: name, keys: ['b'], by: 'ops-1' });
    expect(stored.requests.map((r) => [r.sourceKey, r.status, r.requestedBy])).toEqual([['b', 'pending', 'ops-1']]);
    // asking again does not store a second request
    expect((await requestResync(h.state, { pipeline: p, keys: ['b'] })).requests).toHaveLength(1);

    const planned = await session(h.state, { command: 'plan', pipelinePath: p });
    expect(planned.ops.map((o) => [o.op, o.key])).toEqual([['update', 'b']]);
    expect((await resyncList(h.state.knex, name)).every((r) => r.status === 'pending')).toBe(true);

    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.report.plan?.counts).toMatchObject({ unchanged: 2, update: 1 });
    expect(h.dst.target.get('b')!.record.name).toBe('Beta');
    const [log] = await logList(h.state.knex, { pipeline: name, runId: run.report.runId });
    expect(log).toMatchObject({
      sourceKey: 'b',
      op: 'update',
      outcome: 'written',
      trigger: 'resync',
      changes: [{ path: 'name', before: 'edited in the target', after: 'Beta' }],
    });
    expect(await resyncList(h.state.knex, name)).toEqual([
      expect.objectContaining({ sourceKey: 'b', status: 'closed', outcome: 'done', runId: run.report.runId }),
    ]);
    // closed: the next run skips b again
    expect((await session(h.state, { command: 'run', pipelinePath: p })).report.plan?.counts).toMatchObject({
      unchanged: 3,
    });
  });

  it('applying a reviewed plan closes the re-sync requests it took in, and only those', async () => {
    const name = h.name('reviewed');
    const p = writePipeline(h.dir, { name, source: ROWS });
    await session(h.state, { command: 'run', pipelinePath: p });
    h.dst.target.get('b')!.record.name = 'edited in the target';
    await requestResync(h.state, { pipeline: name, keys: ['b', 'zz'], by: 'ops-1' });
    const out = `${h.dir}/plan.json`;
    const planned = await session(h.state, { command: 'plan', pipelinePath: p, planOut: out });
    expect(planned.report.plan?.counts).toMatchObject({ update: 1 });
    // asked for after the review: not part of the plan, left for the next run
    await requestResync(h.state, { pipeline: name, keys: ['c'], by: 'ops-2' });

    const applied = await session(h.state, { command: 'apply', planPath: out });
    expect(applied.exitCode).toBe(0);
    expect(h.dst.target.get('b')!.record.name).toBe('Beta');
    const requests = await resyncList(h.state.knex, name);
    expect(requests.map((r) => [r.sourceKey, r.status, r.outcome, r.runId])).toEqual([
      ['c', 'pending', null, null],
      ['zz', 'closed', 'not-found', applied.report.runId],
      ['b', 'closed', 'done', applied.report.runId],
    ]);
    const logged = await logList(h.state.knex, { pipeline: name, runId: applied.report.runId });
    expect(logged.map((l) => [l.sourceKey, l.op, l.outcome, l.trigger])).toEqual([
      ['b', 'update', 'written', 'plan'],
      ['zz', 'resync', 'not-found', 'resync'],
    ]);
    // the next run works on c alone and finds nothing left to change
    const next = await session(h.state, { command: 'run', pipelinePath: p });
    expect(next.report.plan?.counts).toMatchObject({ update: 0, create: 0 });
    expect((await resyncList(h.state.knex, name)).map((r) => r.status)).toEqual(['closed', 'closed', 'closed']);
  });

  const booked = (name: string, corrections: 'lock' | 'reverse-and-repost'): string =>
    writePipeline(h.dir, {
      name,
      source: ROWS,
      target: { resource: 'postings', mode: 'create', key: 'ref', corrections },
      transform: '{ "ref": id, "total": amount }',
    });

  it('a bulk re-sync of posted records reports the one changed in the target locked and posts nothing twice', async () => {
    const name = h.name('booked');
    const p = booked(name, 'lock');
    await session(h.state, { command: 'run', pipelinePath: p });
    h.dst.target.get('b')!.record.total = 99; // posted, then edited by hand in the ERP
    const writes = h.dst.calls.write;
    await requestResync(h.state, { pipeline: name, keys: ['a', 'b', 'c'] });
    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.exitCode).toBe(3);
    expect(run.report.plan?.counts).toMatchObject({ locked: 1, noop: 2, create: 0, update: 0, correct: 0 });
    expect(h.dst.calls.write).toBe(writes);
    expect(h.dst.target.size).toBe(3);
    expect(h.dst.target.get('b')!.record.total).toBe(99);
    expect(await listAttention(h.state, { pipeline: name })).toEqual([
      expect.objectContaining({ sourceKey: 'b', code: 'TARGET_LOCKED', reasonClass: 'locked', status: 'open' }),
    ]);
    expect((await resyncList(h.state.knex, name)).map((r) => [r.sourceKey, r.outcome])).toEqual([
      ['c', 'done'],
      ['b', 'done'],
      ['a', 'done'],
    ]);
    const history = await queryLog(h.state, { pipeline: name, key: 'b' });
    expect(history.entries[0]).toMatchObject({ outcome: 'locked', trigger: 'resync', code: 'TARGET_LOCKED' });
    // asked again, it is still locked, and still not posted twice
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    expect((await session(h.state, { command: 'run', pipelinePath: p })).report.plan?.counts.locked).toBe(1);
    expect(h.dst.calls.write).toBe(writes);
  });

  it('a re-sync of a posted record changed in the target corrects it where the pipeline allows it, once', async () => {
    const name = h.name('corrected');
    const p = booked(name, 'reverse-and-repost');
    await session(h.state, { command: 'run', pipelinePath: p });
    const original = h.dst.target.get('b')!.id;
    h.dst.target.get('b')!.record.total = 99;
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.exitCode).toBe(0);
    expect(run.report.apply).toMatchObject({ reversed: 1, created: 1 });
    expect(h.dst.reversals.map((r) => r.id)).toEqual([original]);
    expect(h.dst.target.get('b')!.record).toEqual({ ref: 'b', total: 2 });
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    const again = await session(h.state, { command: 'run', pipelinePath: p });
    expect(again.report.plan?.counts).toMatchObject({ correct: 0, create: 0, noop: 3 });
    expect(h.dst.calls.reverse).toBe(1);
  });

  it('a requested key the source does not have is closed as not found, and logged', async () => {
    const name = h.name('missing');
    const p = writePipeline(h.dir, { name, source: ROWS });
    await session(h.state, { command: 'run', pipelinePath: p });
    await requestResync(h.state, { pipeline: name, keys: ['zz'] });
    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.exitCode).toBe(0);
    expect((await resyncList(h.state.knex, name))[0]).toMatchObject({ outcome: 'not-found' });
    const answer = await queryLog(h.state, { pipeline: name, key: 'zz' });
    expect(answer.entries).toEqual([
      expect.objectContaining({ op: 'resync', outcome: 'not-found', trigger: 'resync', runId: run.report.runId }),
    ]);
  });

  it('--failed processes every record in attention; --all reads an incremental source in full, skipping nothing', async () => {
    const name = h.name('all');
    h.src.source = [
      { id: 'c', name: 'Gamma', amount: 3, updated: '2026-01-01' },
      { id: 'a', name: 'Alpha', amount: 1, updated: '2026-01-02' },
      { id: 'b', name: 'Beta', amount: 2, updated: '2026-01-03' },
    ];
    const p = writePipeline(h.dir, { name, source: { ...ROWS, incremental: { field: 'updated' } } });
    h.dst.faults.push({ kind: 'record-final', keys: ['c'], times: 1 });
    expect((await session(h.state, { command: 'run', pipelinePath: p })).exitCode).toBe(3);
    h.dst.target.get('a')!.record.name = 'drifted';

    await requestResync(h.state, { pipeline: name, failed: true });
    const failed = await session(h.state, { command: 'run', pipelinePath: p });
    expect(failed.exitCode).toBe(0);
    expect(h.src.requests.at(-1)?.since).toBe('2026-01-03'); // c came from its stored record
    expect(h.dst.target.get('c')?.record.name).toBe('Gamma');
    expect(h.dst.target.get('a')!.record.name).toBe('drifted');

    await requestResync(h.state, { pipeline: name, all: true });
    const all = await session(h.state, { command: 'run', pipelinePath: p });
    expect(h.src.requests.at(-1)?.since).toBeUndefined();
    expect(all.report.plan?.counts).toMatchObject({ read: 3, unchanged: 0, update: 1, noop: 2 });
    expect(h.dst.target.get('a')!.record.name).toBe('Alpha');
    expect((await resyncList(h.state.knex, name)).map((r) => [r.scope, r.outcome])).toEqual([
      ['all', 'done'],
      ['failed', 'done'],
    ]);
  });

  it('a posted record the target lost is posted anew only when a re-sync asks for it, and only once', async () => {
    const name = h.name('posted');
    const p = writePipeline(h.dir, {
      name,
      source: ROWS,
      target: { resource: 'postings', mode: 'create', key: 'ref' },
      transform: '{ "ref": id, "amount": amount }',
    });
    await session(h.state, { command: 'run', pipelinePath: p });
    h.dst.target.delete('a');
    const full = await session(h.state, { command: 'run', pipelinePath: p, full: true });
    expect(full.exitCode).toBe(3);
    const [entry] = await listAttention(h.state, { pipeline: name });
    expect(entry).toMatchObject({ sourceKey: 'a', code: 'LEDGER_TARGET_MISSING', reasonClass: 'locked' });
    await requestResync(h.state, { pipeline: name, keys: ['a'] });
    const again = await session(h.state, { command: 'run', pipelinePath: p });
    expect(again.report.apply?.created).toBe(1);
    expect(h.dst.target.get('a')).toBeDefined();
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
    const fullAgain = await session(h.state, { command: 'run', pipelinePath: p, full: true });
    expect(fullAgain.report.plan?.counts).toMatchObject({ create: 0, noop: 3 });
  });
});

describe.each(backends)('transient attention entries on $name', (backend) => {
  const h = memoryHarness(backend.open);

  function incremental(name: string): string {
    // b changes first: a later run's incremental read no longer returns it.
    h.src.source = [
      { id: 'b', name: 'Beta', amount: 2, updated: '2026-01-01' },
      { id: 'a', name: 'Alpha', amount: 1, updated: '2026-01-02' },
    ];
    return writePipeline(h.dir, { name, source: { ...ROWS, incremental: { field: 'updated' } } });
  }

  it('are retried by a later run from their stored record once their backoff has passed', async () => {
    const name = h.name('retry');
    const p = incremental(name);
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
    h.dst.faults.push({ kind: 'record-retryable', keys: ['b'], times: 100 });
    const first = await session(h.state, { command: 'run', pipelinePath: p, clock });
    expect(first.exitCode).toBe(3);
    const [parked] = await listAttention(h.state, { pipeline: name });
    expect(parked).toMatchObject({ sourceKey: 'b', reasonClass: 'transient', occurrences: 1, status: 'open' });
    expect(Date.parse(parked!.retryAfter!) - clock.now()).toBeGreaterThan(PARKED_RETRY.baseMs - 1000);

    h.dst.faults = [];
    clock.advance(60_000);
    const early = await session(h.state, { command: 'run', pipelinePath: p, clock });
    expect(early.report.plan?.counts.create ?? 0).toBe(0);
    expect(h.dst.target.has('b')).toBe(false);

    clock.advance(PARKED_RETRY.baseMs);
    const due = await session(h.state, { command: 'run', pipelinePath: p, clock });
    expect(due.exitCode).toBe(0);
    expect(h.dst.target.has('b')).toBe(true);
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
    const history = await queryLog(h.state, { pipeline: name, key: 'b' });
    expect(history.entries.map((e) => [e.op, e.outcome, e.trigger])).toEqual([
      ['create', 'written', 'manual'],
      ['create', 'failed', 'manual'],
    ]);
  });

  it('wait out their backoff, doubling, and the cap also when the source returns the record on every read', async () => {
    const name = h.name('every');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
    h.dst.faults.push({ kind: 'record-retryable', keys: ['b'], times: 100_000 });
    const run = async (): Promise<{ wrote: boolean; occurrences: number; warnings: string[] }> => {
      const before = h.dst.calls.write;
      const r = await session(h.state, { command: 'run', pipelinePath: p, clock });
      // a run that tried b and failed again exits 3; one that held it parked nothing new
      expect(r.exitCode).toBe(h.dst.calls.write > before ? 3 : 0);
      const [e] = await listAttention(h.state, { pipeline: name });
      return { wrote: h.dst.calls.write > before, occurrences: e!.occurrences, warnings: r.report.plan!.warnings };
    };
    expect(await run()).toMatchObject({ wrote: true, occurrences: 1 }); // a and c written, b failed
    clock.advance(60_000);
    const held = await run();
    expect(held).toMatchObject({ wrote: false, occurrences: 1 });
    expect(held.warnings.join('\n')).toContain('1 record(s) that failed transiently wait for their retry time');
    clock.advance(PARKED_RETRY.baseMs);
    expect(await run()).toMatchObject({ wrote: true, occurrences: 2 });
    clock.advance(2 * PARKED_RETRY.baseMs - 60_000); // the second wait is twice the first
    expect(await run()).toMatchObject({ wrote: false, occurrences: 2 });
    clock.advance(120_000);
    expect(await run()).toMatchObject({ wrote: true, occurrences: 3 });
    for (let n = 4; n <= PARKED_RETRY.maxAttempts; n++) {
      clock.advance(PARKED_RETRY.maxMs);
      expect(await run()).toMatchObject({ wrote: true, occurrences: n });
    }
    // out of attempts: not tried again by itself, however long it waits
    clock.advance(3 * PARKED_RETRY.maxMs);
    expect(await run()).toMatchObject({ wrote: false, occurrences: PARKED_RETRY.maxAttempts });
    const [capped] = await listAttention(h.state, { pipeline: name });
    expect(capped).toMatchObject({ reasonClass: 'transient', status: 'open', retryAfter: null });
    // until someone asks for it
    h.dst.faults = [];
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    expect((await session(h.state, { command: 'run', pipelinePath: p, clock })).exitCode).toBe(0);
    expect(h.dst.target.get('b')?.record.name).toBe('Beta');
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
  });

  it('held for their backoff, are not confirmed to a source that is told each outcome', async () => {
    const name = h.name('confirming');
    const p = writePipeline(h.dir, { name }); // the records resource confirms outcomes to the source
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
    h.dst.faults.push({ kind: 'record-retryable', keys: ['b'], times: 100_000 });
    await session(h.state, { command: 'run', pipelinePath: p, clock });
    const confirmedB = () => h.src.confirmed.filter((c) => c.sourceKey === 'b').map((c) => c.status);
    const first = confirmedB();
    expect(first).toHaveLength(1);
    expect(first[0]).not.toBe('success');
    clock.advance(60_000);
    const held = await session(h.state, { command: 'run', pipelinePath: p, clock });
    expect(held.report.plan?.warnings.join('\n')).toContain('wait for their retry time');
    expect(confirmedB()).toEqual(first); // b was not attempted, so nothing is said about it
    expect(h.src.confirmed.filter((c) => c.sourceKey === 'a').length).toBe(2);
  });

  it('stop being retried after the cap and wait for a re-sync', async () => {
    const name = h.name('cap');
    const p = incremental(name);
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
    h.dst.faults.push({ kind: 'record-retryable', keys: ['b'], times: 10_000 });
    for (let i = 0; i < PARKED_RETRY.maxAttempts + 2; i++) {
      await session(h.state, { command: 'run', pipelinePath: p, clock });
      clock.advance(PARKED_RETRY.maxMs);
    }
    const [entry] = await listAttention(h.state, { pipeline: name });
    expect(entry).toMatchObject({ occurrences: PARKED_RETRY.maxAttempts, retryAfter: null });
    h.dst.faults = [];
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    expect((await session(h.state, { command: 'run', pipelinePath: p, clock })).exitCode).toBe(0);
    expect(h.dst.target.has('b')).toBe(true);
  });

  it('$error() tags set the class and code; only the transient entry gets a retry time', async () => {
    const name = h.name('tags');
    const p = writePipeline(h.dir, {
      name,
      source: ROWS,
      transform:
        'id = "a" ? $error("[config GL_MAPPING_MISSING] no G/L account for type X") : id = "b" ? $error("[transient] rates not published yet") : id = "c" ? $error("plain") : {}',
    });
    await session(h.state, { command: 'run', pipelinePath: p });
    const entries = await listAttention(h.state, { pipeline: name });
    expect(entries.map((e) => [e.sourceKey, e.reasonClass, e.code, e.message, e.retryAfter !== null])).toEqual([
      ['a', 'config', 'GL_MAPPING_MISSING', 'no G/L account for type X', false],
      ['b', 'transient', 'TRANSFORM_FAILED', 'rates not published yet', true],
      ['c', 'data', 'TRANSFORM_FAILED', 'plain', false],
    ]);
    expect(
      (await listAttention(h.state, { pipeline: name, classes: ['config', 'data'] })).map((e) => e.sourceKey),
    ).toEqual(['a', 'c']);
  });
});
