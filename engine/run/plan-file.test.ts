/**
 * A saved plan is applied only as it was reviewed: every kind of edit to the file is refused with
 * exit 2 and nothing written, and a plan made before another run committed is stale — empty or not.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { openStateStore } from '../state/store.js';

type Json = Record<string, unknown> & { operations: Record<string, unknown>[]; attention: unknown[] };

/** Each case edits a parsed plan (or its text) and names the check that must refuse it. */
const EDITS: { name: string; code: string; edit: (doc: Json, text: string) => string }[] = [
  {
    name: 'a record value',
    code: 'PLAN_TAMPERED',
    edit: (d) => mutate(d, (x) => ((x.operations[0]!.record as Json).amount = 999)),
  },
  {
    name: 'an injected operation',
    code: 'PLAN_TAMPERED',
    edit: (d) => mutate(d, (x) => x.operations.push({ ...x.operations[0]!, key: 'zz', sourceKey: 'zz' })),
  },
  { name: 'a removed operation', code: 'PLAN_TAMPERED', edit: (d) => mutate(d, (x) => x.operations.pop()) },
  { name: 'reordered operations', code: 'PLAN_TAMPERED', edit: (d) => mutate(d, (x) => x.operations.reverse()) },
  { name: 'an unknown op', code: 'PLAN_INVALID', edit: (d) => mutate(d, (x) => (x.operations[0]!.op = 'frobnicate')) },
  {
    name: 'a create turned into a delete',
    code: 'PLAN_INVALID',
    edit: (d) => mutate(d, (x) => (x.operations[0]!.op = 'delete')),
  },
  { name: 'a null operation', code: 'PLAN_INVALID', edit: (d) => mutate(d, (x) => (x.operations[1] = null as never)) },
  { name: 'a missing key', code: 'PLAN_INVALID', edit: (d) => mutate(d, (x) => delete x.operations[0]!.key) },
  { name: 'a missing summary', code: 'PLAN_INVALID', edit: (d) => mutate(d, (x) => delete x.summary) },
  {
    name: 'edited summary counts',
    code: 'PLAN_TAMPERED',
    edit: (d) => mutate(d, (x) => ((x.summary as { counts: { create: number } }).counts.create = 0)),
  },
  {
    name: 'an edited plan hash',
    code: 'PLAN_TAMPERED',
    edit: (d) => mutate(d, (x) => ((x.summary as Json).planHash = 'f'.repeat(64))),
  },
  {
    name: 'another pipeline path',
    code: 'PLAN_TAMPERED',
    edit: (d) => mutate(d, (x) => ((x.pipeline as Json).path = '/tmp/other.yaml')),
  },
  {
    name: 'a forged digest',
    code: 'PLAN_TAMPERED',
    edit: (d) => mutate(d, (x) => ((x.seal as Json).digest = '0'.repeat(64))),
  },
  { name: 'a missing seal', code: 'PLAN_INVALID', edit: (d) => mutate(d, (x) => delete x.seal) },
  {
    name: 'another key id',
    code: 'PLAN_KEY_MISMATCH',
    edit: (d) => mutate(d, (x) => ((x.seal as Json).keyId = '0'.repeat(16))),
  },
  { name: 'an unknown property', code: 'PLAN_INVALID', edit: (d) => mutate(d, (x) => (x.operations[0]!.extra = true)) },
  { name: 'a truncated file', code: 'PLAN_UNREADABLE', edit: (_d, text) => text.slice(0, Math.floor(text.length / 2)) },
  { name: 'an empty file', code: 'PLAN_UNREADABLE', edit: () => '' },
  { name: 'not a plan', code: 'PLAN_INVALID', edit: () => JSON.stringify({ hello: 'world' }) },
  { name: 'JSON null', code: 'PLAN_INVALID', edit: () => 'null' },
  { name: 'deep nesting', code: 'PLAN_INVALID', edit: () => '['.repeat(50_000) + ']'.repeat(50_000) },
];

/** Edits that keep sluice's own line layout, so they reach the streaming reader (the others are re-indented and read whole). */
const opLines = (text: string): number[] => text.split('\n').flatMap((l, i) => (/^ {4}\{"key"/.test(l) ? [i] : []));
const lines = (text: string, fn: (ls: string[], ops: number[]) => void): string => {
  const ls = text.split('\n');
  fn(ls, opLines(text));
  return ls.join('\n');
};
const LINE_EDITS: { name: string; code: string; edit: (text: string) => string }[] = [
  { name: 'a record value', code: 'PLAN_TAMPERED', edit: (t) => t.replace('"amount":1}', '"amount":999}') },
  {
    name: 'swapped operation lines',
    code: 'PLAN_TAMPERED',
    edit: (t) =>
      lines(t, (ls, [a, b]) => {
        const [x, y] = [ls[a!]!.replace(/,$/, ''), ls[b!]!.replace(/,$/, '')];
        ls[a!] = `${y},`;
        ls[b!] = `${x},`;
      }),
  },
  { name: 'a removed operation line', code: 'PLAN_TAMPERED', edit: (t) => lines(t, (ls, [a]) => ls.splice(a!, 1)) },
  {
    name: 'a duplicated operation line',
    code: 'PLAN_TAMPERED',
    edit: (t) => lines(t, (ls, [a]) => ls.splice(a!, 0, ls[a!]!)),
  },
  { name: 'an unknown op', code: 'PLAN_INVALID', edit: (t) => t.replace('"op":"create"', '"op":"frobnicate"') },
  { name: 'a header value', code: 'PLAN_TAMPERED', edit: (t) => t.replace('"create": 3', '"create": 2') },
  {
    name: 'a broken operation line',
    code: 'PLAN_UNREADABLE',
    edit: (t) => lines(t, (ls, [a]) => (ls[a!] = '    {"key":')),
  },
  { name: 'a cut after the operations', code: 'PLAN_UNREADABLE', edit: (t) => t.slice(0, t.indexOf('"attention"')) },
];

function mutate(doc: Json, fn: (d: Json) => unknown): string {
  const copy = structuredClone(doc);
  fn(copy);
  return JSON.stringify(copy, null, 2);
}

describe('sealed plan files', () => {
  const h = memoryHarness();

  async function planned(): Promise<{ pipeline: string; planPath: string; doc: Json; text: string }> {
    const pipeline = writePipeline(h.dir, { name: h.name('sealed') });
    const planPath = join(h.dir, 'plan.json');
    const r = await session(h.state, { command: 'plan', pipelinePath: pipeline, planOut: planPath });
    expect(r.report.error).toBeUndefined();
    const text = readFileSync(planPath, 'utf8');
    return { pipeline, planPath, doc: JSON.parse(text) as Json, text };
  }

  it('is valid against its schema and sealed; applied untouched it writes exactly its operations', async () => {
    const { planPath, doc } = await planned();
    expect(doc.format).toBe('sluice-plan/2');
    expect(doc.seal).toMatchObject({ alg: 'HMAC-SHA256', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) as string });
    const r = await session(h.state, { command: 'apply', planPath });
    expect(r.exitCode).toBe(0);
    expect(r.report.apply?.created).toBe(3);
    expect(r.report.planHash).toBe((doc.summary as { planHash: string }).planHash);
  });

  it.each(EDITS)('refuses $name with $code, exit 2, nothing written', async ({ code, edit }) => {
    const { planPath, doc, text } = await planned();
    writeFileSync(planPath, edit(doc, text));
    const r = await session(h.state, { command: 'apply', planPath }).then(
      (res) => ({ code: res.report.error?.code, exit: res.exitCode, message: res.report.error?.message ?? '' }),
      (err: { code?: string; message?: string }) => ({ code: err.code, exit: 2, message: err.message ?? '' }),
    );
    expect(r.code).toBe(code);
    expect(r.exit).toBe(2);
    expect(r.message).toContain('nothing was written');
    expect(h.dst.calls.write).toBe(0);
    expect(h.dst.target.size).toBe(0);
  });

  it.each(LINE_EDITS)('streaming: refuses $name with $code, exit 2, nothing written', async ({ code, edit }) => {
    const { planPath, text } = await planned();
    const edited = edit(text);
    expect(edited).not.toBe(text);
    writeFileSync(planPath, edited);
    const r = await session(h.state, { command: 'apply', planPath }).then(
      (res) => ({ code: res.report.error?.code, exit: res.exitCode }),
      (err: { code?: string }) => ({ code: err.code, exit: 2 }),
    );
    expect(r).toEqual({ code, exit: 2 });
    expect(h.dst.calls.write).toBe(0);
    expect(h.dst.target.size).toBe(0);
  });

  it('a plan re-indented by an editor but otherwise untouched still applies (read whole)', async () => {
    const { planPath, doc } = await planned();
    writeFileSync(planPath, JSON.stringify(doc, null, 4));
    const r = await session(h.state, { command: 'apply', planPath });
    expect(r.exitCode).toBe(0);
    expect(r.report.apply?.created).toBe(3);
  });

  it('refuses a plan sealed by another h.state store', async () => {
    const { planPath } = await planned();
    const other = await openStateStore({ url: `sqlite:${tempDir()}/other.db`, secretKey: 'o'.repeat(64) });
    try {
      const r = await session(other, { command: 'apply', planPath }).catch((e: { code: string }) => e);
      expect(r).toMatchObject({ code: 'PLAN_KEY_MISMATCH' });
    } finally {
      await other.close();
    }
    expect(h.dst.calls.write).toBe(0);
  });

  it('an empty plan is stale once another run committed', async () => {
    const pipeline = writePipeline(h.dir, { name: h.name('sealed') });
    await session(h.state, { command: 'run', pipelinePath: pipeline });
    const planPath = join(h.dir, 'empty.json');
    const empty = await session(h.state, { command: 'plan', pipelinePath: pipeline, planOut: planPath });
    expect(empty.report.plan?.counts).toMatchObject({ create: 0, update: 0, delete: 0 });
    h.src.source.push({ id: 'd', name: 'Delta', amount: 4 });
    await session(h.state, { command: 'run', pipelinePath: pipeline });
    const r = await session(h.state, { command: 'apply', planPath });
    expect(r.exitCode).toBe(2);
    expect(r.report.error?.code).toBe('PLAN_STALE');
    expect(r.report.error?.message).toContain('committed to pipeline');
  });

  it('a plan is applied once: applying it again is stale', async () => {
    const { planPath } = await planned();
    expect((await session(h.state, { command: 'apply', planPath })).exitCode).toBe(0);
    const again = await session(h.state, { command: 'apply', planPath });
    expect(again.exitCode).toBe(2);
    expect(again.report.error?.code).toBe('PLAN_STALE');
    expect(h.dst.writes).toHaveLength(1);
  });
});
