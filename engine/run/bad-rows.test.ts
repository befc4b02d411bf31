/**
 * One bad row never fails the run: rows the source cannot read, non-finite numbers (from the source
 * or made by the transform) and absurd nesting are parked with where they are and why; the other
 * records go on; exit 3; and a non-finite amount never reaches the target.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';

function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { deeper: v };
  return v;
}

describe('bad source rows', () => {
  const h = memoryHarness();
  beforeEach(() => {
    h.src.source = h.src.source.slice(0, 2);
  });

  it('rows the source reports unreadable are parked with location and raw text; the rest are written', async () => {
    h.src.rejects = [
      {
        location: 'in.csv:3:1',
        code: 'FILE_CSV_FIELD_COUNT',
        message: 'expected 3 fields, found 2',
        raw: 'c,Gamma',
        key: 'c',
      },
      { location: 'in.csv:5:1', code: 'FILE_INVALID_UTF8', message: 'invalid UTF-8 at byte 7', raw: 'd,D\\xe9lta,4' },
    ];
    const p = writePipeline(h.dir, {
      name: h.name('bad'),
      target: { mode: 'mirror', deletes: { action: 'delete', maxPercent: 100 } },
    });
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.plan?.counts).toMatchObject({ read: 2, rejected: 2, create: 2 });
    expect(r.report.plan?.warnings.join(' ')).toContain('mirror deletes are withheld');
    expect([...h.dst.target.keys()].sort()).toEqual(['a', 'b']);
    const att = await h.state.attentionList({ pipeline: r.report.pipeline });
    expect(att.map((e) => [e.sourceKey, e.stage, e.code, e.reasonClass])).toEqual([
      ['c', 'read', 'FILE_CSV_FIELD_COUNT', 'data'],
      ['in.csv:5:1', 'read', 'FILE_INVALID_UTF8', 'data'],
    ]);
    expect(att[0]?.message).toBe('in.csv:3:1: expected 3 fields, found 2');
    expect(att[1]?.payload).toEqual({ location: 'in.csv:5:1', raw: 'd,D\\xe9lta,4' });

    // fixed in the source: the next complete read resolves them
    h.src.rejects = [];
    h.src.source.push({ id: 'c', name: 'Gamma', amount: 3 });
    const fixed = await session(h.state, { command: 'run', pipelinePath: p });
    expect(fixed.exitCode).toBe(0);
    expect(await h.state.attentionList({ pipeline: r.report.pipeline, statuses: ['open', 'resync'] })).toEqual([]);
  });

  it('a non-finite number in the source, or made by the transform, parks that record and never reaches the target', async () => {
    h.src.source.push({ id: 'inf', name: 'Infinite', amount: JSON.parse('1e999') as number });
    h.src.source.push({ id: 'zero', name: 'Zero', amount: 0 });
    const p = writePipeline(h.dir, {
      name: h.name('bad'),
      transform: '{ "id": id, "name": name, "amount": amount, "ratio": 1 / amount }',
    });
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect([...h.dst.target.keys()].sort()).toEqual(['a', 'b']);
    for (const row of h.dst.target.values()) expect(Number.isFinite(row.record.ratio)).toBe(true);
    const att = await h.state.attentionList({ pipeline: r.report.pipeline });
    expect(att.map((e) => [e.sourceKey, e.stage, e.code])).toEqual([
      ['inf', 'read', 'RECORD_NOT_FINITE'],
      ['zero', 'transform', 'RECORD_NOT_FINITE'],
    ]);
    expect(att[0]?.message).toContain('Infinity at amount');
    expect(att[1]?.message).toContain('Infinity at ratio');
  });

  it('a record nested 10,000 deep is a record error, not a crash', async () => {
    h.src.source.push({ id: 'deep', name: 'Deep', amount: 3, extra: nested(10_000) });
    const p = writePipeline(h.dir, { name: h.name('bad') });
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(3);
    expect(r.report.apply?.created).toBe(2);
    const [entry] = await h.state.attentionList({ pipeline: r.report.pipeline });
    expect(entry).toMatchObject({ sourceKey: 'deep', stage: 'read', code: 'RECORD_TOO_DEEP' });
  });

  it('with on_error: fail a bad row stops the run before anything is written', async () => {
    h.src.rejects = [{ location: 'in.jsonl:2:1', code: 'FILE_JSON_INVALID', message: 'not JSON', raw: '{nope' }];
    const p = writePipeline(h.dir, { name: h.name('bad'), extra: { on_error: 'fail' } });
    const r = await session(h.state, { command: 'run', pipelinePath: p });
    expect(r.exitCode).toBe(1);
    expect(r.report.error?.code).toBe('RECORD_FAILED');
    expect(h.dst.calls.write).toBe(0);
  });
});
