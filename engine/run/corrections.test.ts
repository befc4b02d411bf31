/**
 * Corrections of posted records: with `corrections: reverse-and-repost` a posted record the source
 * changed is reversed and its new version posted, both in the ledger and linked, exactly once; with
 * `lock` it stays locked. And records the target prepares (notes shown, refusals parked).
 */
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';

describe('corrections and prepared records', () => {
  const h = memoryHarness();
  const postings = (corrections: 'lock' | 'reverse-and-repost'): string =>
    writePipeline(h.dir, {
      name: h.name('corr'),
      target: { resource: 'postings', mode: 'create', key: 'ref', corrections },
      transform: '{ "ref": id, "total": amount }',
    });

  it('reverses the posted record and posts the new version once; a rerun changes nothing', async () => {
    const p = postings('reverse-and-repost');
    const first = await session(h.state, { command: 'run', pipelinePath: p });
    expect(first.report.apply?.created).toBe(3);
    const original = h.dst.target.get('b')!.id;
    h.src.source[1] = { id: 'b', name: 'Beta', amount: 20 };

    const plan = await session(h.state, { command: 'plan', pipelinePath: p });
    expect(plan.ops.map((o) => `${o.op} ${o.key}`)).toEqual(['correct b']);
    expect(plan.report.plan?.counts).toMatchObject({ correct: 1, locked: 0, noop: 2 });

    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.exitCode).toBe(0);
    expect(run.report.apply).toMatchObject({ reversed: 1, created: 1 });
    expect(h.dst.reversals.map((r) => r.id)).toEqual([original]);
    expect(h.dst.target.get('b')?.record).toEqual({ ref: 'b', total: 20 });
    const ledger = (await h.state.ledgerGet(run.report.pipeline, ['b'])).get('b')!;
    expect(ledger).toMatchObject({ status: 'written', supersedes: original });
    expect(ledger.targetId).toBe(h.dst.target.get('b')!.id);
    expect(ledger.reversalId).toBe(h.dst.reversals[0]!.reversalId);

    const again = await session(h.state, { command: 'run', pipelinePath: p });
    expect(again.report.plan?.counts).toMatchObject({ correct: 0, create: 0, noop: 3 });
    expect(h.dst.calls.reverse).toBe(1);
  });

  it('with corrections: lock the changed posted record is locked and nothing is reversed', async () => {
    const p = postings('lock');
    await session(h.state, { command: 'run', pipelinePath: p });
    h.src.source[0] = { id: 'a', name: 'Alpha', amount: 10 };
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.plan?.counts).toMatchObject({ locked: 1, correct: 0 });
    expect(h.dst.calls.reverse).toBe(0);
  });

  it('a reversal the target refuses keeps the posted record; nothing new is posted', async () => {
    const p = postings('reverse-and-repost');
    await session(h.state, { command: 'run', pipelinePath: p });
    h.src.source[2] = { id: 'c', name: 'Gamma', amount: 30 };
    h.dst.reverseFaults.push('refuse');
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.apply).toMatchObject({ reversed: 0, created: 0, failed: 1 });
    expect(h.dst.target.get('c')?.record).toEqual({ ref: 'c', total: 3 });
    const [entry] = await h.state.attentionList({ pipeline: r.report.pipeline });
    expect(entry).toMatchObject({ sourceKey: 'c', code: 'MEMORY_PERIOD_CLOSED' });
  });

  it('a reversal whose answer is lost is retried (a double is refused as done): one reversal, one new version', async () => {
    const p = postings('reverse-and-repost');
    await session(h.state, { command: 'run', pipelinePath: p });
    h.src.source[0] = { id: 'a', name: 'Alpha', amount: 11 };
    h.dst.reverseFaults.push('lost');
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(0);
    expect(r.report.apply).toMatchObject({ reversed: 1, created: 1 });
    expect(h.dst.reversals).toHaveLength(1);
    expect(h.dst.target.get('a')?.record).toEqual({ ref: 'a', total: 11 });
  });

  it('a record the target prepares shows its notes; one it refuses is parked with its reason', async () => {
    h.dst.prepare = (r) =>
      r.ref === 'b'
        ? { ok: false, code: 'MEMORY_NO_RATE', message: 'no EUR rate for 2026-01-15', reasonClass: 'data' }
        : { ok: true, record: { ...r, total: Number(r.total) * 2 }, notes: ['total doubled'] };
    const p = postings('lock');
    const plan = await session(h.state, { command: 'plan', pipelinePath: p });
    const create = plan.ops.find((o) => o.key === 'a');
    expect(create).toMatchObject({ op: 'create', record: { ref: 'a', total: 2 }, notes: ['total doubled'] });
    expect(plan.attention).toEqual([
      expect.objectContaining({ sourceKey: 'b', code: 'MEMORY_NO_RATE', reasonClass: 'data', stage: 'check' }),
    ]);
    const run = await session(h.state, { command: 'run', pipelinePath: p });
    expect(run.report.apply?.created).toBe(2);
    expect(h.dst.target.get('c')?.record).toEqual({ ref: 'c', total: 6 });
  });

  it('corrections on a resource that cannot reverse are refused before anything runs', async () => {
    const p = writePipeline(h.dir, { name: h.name('corr'), target: { corrections: 'reverse-and-repost' } });
    const err = await session(h.state, { command: 'plan', pipelinePath: p }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PIPELINE_INVALID' });
    const codes = (err as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
    expect(codes).toContain('CORRECTIONS_UNSUPPORTED');
  });
});
