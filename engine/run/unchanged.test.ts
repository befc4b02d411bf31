/**
 * Unchanged source records are noops without evaluating the transform — only while nothing they
 * depend on changed (the record, the pipeline file, the lookups), never for impure transforms, and
 * with target drift still caught where the target is read (mirror) or with `--full`.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { Transform } from '../transform/transform.js';

/** A source without confirmations (a confirming source is told every record's outcome, so it is never skipped). */
const ROWS = { resource: 'rows' };

describe('unchanged source records', () => {
  const h = memoryHarness();
  afterEach(() => vi.restoreAllMocks());
  const evaluations = (): { count: () => number } => {
    const spy = vi.spyOn(Transform.prototype, 'apply');
    return { count: () => spy.mock.calls.length };
  };

  it('a rerun with nothing changed evaluates no transform and reads nothing from an upsert target', async () => {
    const p = writePipeline(h.dir, { name: h.name('same'), source: ROWS });
    expect((await session(h.state, { command: 'run', pipelinePath: p })).report.apply?.created).toBe(3);
    const lookups = h.dst.calls.lookup;
    const ev = evaluations();
    const again = await session(h.state, { command: 'run', pipelinePath: p });
    expect(again.exitCode).toBe(0);
    expect(again.report.plan?.counts).toMatchObject({ read: 3, unchanged: 3, noop: 3, create: 0, update: 0 });
    expect(ev.count()).toBe(0);
    expect(h.dst.calls.lookup).toBe(lookups);
    expect(h.dst.calls.write).toBe(1);
  });

  it('one changed record is the only one evaluated, and it is updated', async () => {
    const p = writePipeline(h.dir, { name: h.name('one'), source: ROWS });
    await session(h.state, { command: 'run', pipelinePath: p });
    h.src.source[1] = { id: 'b', name: 'Beta 2', amount: 2 };
    const ev = evaluations();
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(ev.count()).toBe(1);
    expect(r.report.plan?.counts).toMatchObject({ unchanged: 2, update: 1 });
    expect(h.dst.target.get('b')?.record.name).toBe('Beta 2');
    // and the updated record is skipped in turn once it is synced
    vi.restoreAllMocks();
    const ev2 = evaluations();
    await session(h.state, { command: 'run', pipelinePath: p });
    expect(ev2.count()).toBe(0);
  });

  it('a changed pipeline file, or changed lookup contents, re-evaluate every record', async () => {
    const p = writePipeline(h.dir, {
      name: h.name('deps'),
      source: ROWS,
      extra: { lookups: { names: { connection: 'src', resource: 'records', key: 'id' } } },
      transform: '{ "id": id, "name": $lookup("names", id).name, "amount": amount }',
    });
    await session(h.state, { command: 'run', pipelinePath: p });
    let ev = evaluations();
    await session(h.state, { command: 'run', pipelinePath: p });
    expect(ev.count()).toBe(0);

    writeFileSync(p, readFileSync(p, 'utf8') + '\ndescription: edited\n');
    vi.restoreAllMocks();
    ev = evaluations();
    await session(h.state, { command: 'run', pipelinePath: p });
    expect(ev.count()).toBe(3);

    h.src.source.push({ id: 'd', name: 'Delta', amount: 4 }); // the lookup reads the same dataset: its contents change
    vi.restoreAllMocks();
    ev = evaluations();
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(ev.count()).toBe(4);
    expect(r.report.plan?.counts).toMatchObject({ unchanged: 0, create: 1, noop: 3 });
  });

  it('a transform that calls $now() is evaluated every run', async () => {
    const p = writePipeline(h.dir, {
      name: h.name('impure'),
      source: ROWS,
      transform: '{ "id": id, "name": name, "amount": amount, "seen": $substring($now(), 0, 0) }',
    });
    await session(h.state, { command: 'run', pipelinePath: p });
    const ev = evaluations();
    await session(h.state, { command: 'run', pipelinePath: p });
    expect(ev.count()).toBe(3);
  });

  it('skip_unchanged: false and --full evaluate everything', async () => {
    const off = writePipeline(h.dir, { name: h.name('off'), source: ROWS, extra: { skip_unchanged: false } });
    await session(h.state, { command: 'run', pipelinePath: off });
    let ev = evaluations();
    await session(h.state, { command: 'run', pipelinePath: off });
    expect(ev.count()).toBe(3);

    const p = writePipeline(h.dir, { name: h.name('full'), source: ROWS });
    await session(h.state, { command: 'run', pipelinePath: p });
    h.dst.target.delete('c'); // drift an upsert pipeline does not read for unchanged records
    vi.restoreAllMocks();
    ev = evaluations();
    const quick = await session(h.state, { command: 'run', pipelinePath: p });
    expect(quick.report.plan?.counts.unchanged).toBe(3);
    const full = await session(h.state, { command: 'run', pipelinePath: p, full: true });
    expect(full.report.plan?.counts).toMatchObject({ unchanged: 0, create: 1 });
    expect(h.dst.target.has('c')).toBe(true);
  });

  it('in mirror mode a target record changed by hand is noticed and put back', async () => {
    const p = writePipeline(h.dir, {
      name: h.name('mirror'),
      source: ROWS,
      target: { mode: 'mirror', deletes: { action: 'delete', maxPercent: 100 } },
    });
    await session(h.state, { command: 'run', pipelinePath: p });
    await session(h.state, { command: 'run', pipelinePath: p }); // sees the target as written: remembers it
    const ev = evaluations();
    const skipped = await session(h.state, { command: 'run', pipelinePath: p });
    expect(skipped.report.plan?.counts.unchanged).toBe(3);
    expect(ev.count()).toBe(0);
    h.dst.target.get('a')!.record = { id: 'a', name: 'changed by hand', amount: 1 };
    const fixed = await session(h.state, { command: 'run', pipelinePath: p });
    expect(fixed.report.plan?.counts).toMatchObject({ unchanged: 2, update: 1 });
    expect(h.dst.target.get('a')?.record.name).toBe('Alpha');
  });

  it('without a lookback the next read starts after the last record read at the cursor value', async () => {
    h.src.source = [
      { id: 'a', name: 'A', amount: 1, modified: '2026-01-01' },
      { id: 'b', name: 'B', amount: 2, modified: '2026-01-02' },
      { id: 'c', name: 'C', amount: 3, modified: '2026-01-02' },
    ];
    const p = writePipeline(h.dir, { name: h.name('pos'), source: { ...ROWS, incremental: { field: 'modified' } } });
    const first = await session(h.state, { command: 'run', pipelinePath: p });
    expect(first.report.plan?.cursor).toMatchObject({ to: '2026-01-02', toKey: 'c' });
    await session(h.state, { command: 'run', pipelinePath: p });
    expect(h.src.requests.at(-1)).toMatchObject({ since: '2026-01-02', sinceKey: 'c' });
    const lagging = writePipeline(h.dir, {
      name: h.name('pos'),
      source: { ...ROWS, incremental: { field: 'modified', lookback: 'P1D' } },
    });
    await session(h.state, { command: 'run', pipelinePath: lagging });
    await session(h.state, { command: 'run', pipelinePath: lagging });
    expect(h.src.requests.at(-1)?.sinceKey).toBeUndefined();
  });
});
