/**
 * Fenced and interruptible runs: a run whose lease is broken writes nothing after the break; a
 * signal stops a run at the next batch boundary with what was acknowledged committed, the lease
 * released and the run marked interrupted; the next run goes on from there.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { InterruptedError } from '../errors.js';

describe('fenced, interruptible runs', () => {
  const h = memoryHarness();
  beforeEach(() => {
    // 9 records in batches of 3 (the memory target's bulk size)
    h.src.source = Array.from({ length: 9 }, (_, i) => ({ id: `r${i}`, name: `R${i}`, amount: i }));
  });

  it('a run broken with --force writes nothing after the break, and its late commit is refused', async () => {
    const name = h.name('fence');
    const p = writePipeline(h.dir, { name });
    h.dst.onWrite = async () => {
      if (h.dst.calls.write === 1) await h.state.acquireLease(name, 'the-new-run', 60_000, true);
    };
    const broken = await session(h.state, { command: 'run', pipelinePath: p });
    expect(broken.exitCode).toBe(1);
    expect(broken.report.error?.code).toBe('LEASE_LOST');
    // the batch in flight when the lease was broken went out; nothing after it did
    expect(h.dst.writes).toHaveLength(2);
    const ledger = await h.state.ledgerGet(
      name,
      h.src.source.map((r) => String(r.id)),
    );
    expect([...ledger.values()].filter((e) => e.status === 'written').map((e) => e.key)).toEqual(['r0', 'r1', 'r2']);
    // the second batch's creates stay pending: whoever runs next settles them, never re-sends blind
    expect([...ledger.values()].filter((e) => e.status === 'pending').map((e) => e.key)).toEqual(['r3', 'r4', 'r5']);
    const audit = await h.state.auditList(name);
    expect(audit.map((a) => a.action)).toContain('lease-broken');
  });

  it('SIGTERM stops at the next batch boundary: acknowledged writes committed, lease released, run interrupted', async () => {
    const name = h.name('sig');
    const p = writePipeline(h.dir, { name, source: { incremental: { field: 'id' } } });
    const stop = new AbortController();
    h.dst.onWrite = () => {
      if (h.dst.calls.write === 0) stop.abort(new InterruptedError('SIGTERM'));
    };
    const r = await session(h.state, { command: 'run', pipelinePath: p, signal: stop.signal });
    expect(r.report.status).toBe('interrupted');
    expect(r.exitCode).toBe(143);
    expect(h.dst.writes).toHaveLength(1);
    expect([...h.dst.target.keys()]).toEqual(['r0', 'r1', 'r2']);
    const ledger = await h.state.ledgerGet(name, ['r0', 'r3']);
    expect(ledger.get('r0')?.status).toBe('written');
    expect(ledger.has('r3')).toBe(false); // never sent, never recorded
    expect(await h.state.cursorGet(name)).toBeUndefined(); // the cursor does not move past unsent records
    const [run] = await h.state.runList(name, 1);
    expect(run).toMatchObject({ status: 'interrupted', exitCode: 143 });
    // the lease is free: the next run starts at once and finishes the job
    h.dst.onWrite = undefined;
    const next = await session(h.state, { command: 'run', pipelinePath: p });
    expect(next.exitCode).toBe(0);
    expect(next.report.apply?.created).toBe(6);
    expect(h.dst.target.size).toBe(9);
  });

  it('a signal during planning writes nothing', async () => {
    const name = h.name('sigplan');
    const p = writePipeline(h.dir, { name });
    const stop = new AbortController();
    stop.abort(new InterruptedError('SIGINT'));
    const r = await session(h.state, { command: 'run', pipelinePath: p, signal: stop.signal });
    expect(r.report.status).toBe('interrupted');
    expect(r.exitCode).toBe(130);
    expect(h.dst.calls.write).toBe(0);
  });

  it('a run left running by a process that died is marked abandoned by the next run', async () => {
    const name = h.name('dead');
    const p = writePipeline(h.dir, { name });
    await h.state.runStart({ id: 'killed-run', pipeline: name, command: 'run', startedAt: new Date().toISOString() });
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(0);
    const runs = await h.state.runList(name, 10);
    expect(runs.find((x) => x.id === 'killed-run')?.status).toBe('abandoned');
    expect(runs.find((x) => x.id === r.report.runId)?.status).toBe('succeeded');
  });
});
