/** `sluice plan --json` says when its lists are cut, and how many there are in all. */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataset } from '../../test/helpers/memory-connector.js';
import { memoryRegistry, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { CliIo } from './common.js';
import { buildProgram } from './main.js';

async function sluice(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = {
    stdout: new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    }),
    stderr: new Writable({ write: (_c, _e, done) => done() }),
    registry: () => Promise.resolve(memoryRegistry),
    exitCode: 0,
  };
  await buildProgram(io).parseAsync(['node', 'sluice', ...args]);
  return { code: io.exitCode, out };
}

interface PlanJson {
  operations: unknown[];
  attention: unknown[];
  truncated: boolean;
  totals: { ops: number; attention: number };
  plan: { counts: { create: number } };
}

describe('sluice plan --json', () => {
  beforeEach(() => void vi.stubEnv('SLUICE_SECRET_KEY', 'p'.repeat(64)));
  afterEach(() => void vi.unstubAllEnvs());

  it('is marked truncated when it holds fewer operations than the plan, with the totals', async () => {
    const dir = tempDir();
    const src = dataset(`${dir}:src`);
    dataset(`${dir}:dst`);
    src.source = Array.from({ length: 1005 }, (_, i) => ({ id: `r${i}`, name: `R${i}`, amount: i }));
    const p = writePipeline(dir, { name: 'many' });
    const state = ['--state', `sqlite:${dir}/state.db`, '--log-level', 'error'];
    const big = await sluice(['plan', p, '--json', ...state]);
    expect(big.code).toBe(0);
    const doc = JSON.parse(big.out) as PlanJson;
    expect(doc.plan.counts.create).toBe(1005);
    expect(doc.operations).toHaveLength(1000);
    expect(doc.totals).toEqual({ ops: 1005, attention: 0 });
    expect(doc.truncated).toBe(true);

    src.source = src.source.slice(0, 3);
    const small = JSON.parse((await sluice(['plan', p, '--json', ...state])).out) as PlanJson;
    expect(small.operations).toHaveLength(3);
    expect(small.truncated).toBe(false);
  });
});
