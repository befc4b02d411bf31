/** `sluice attention`, `resync`, `log` and `runs` through the command line (in process), on both state-store backends. */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataset } from '../../test/helpers/memory-connector.js';
import { memoryRegistry, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { CliIo } from './common.js';
import { buildProgram } from './main.js';

async function sluice(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (into: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        into(chunk.toString());
        done();
      },
    });
  const io: CliIo = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    registry: () => Promise.resolve(memoryRegistry),
    exitCode: 0,
  };
  await buildProgram(io).parseAsync(['node', 'sluice', ...args]);
  return { code: io.exitCode, out, err };
}

describe.each(stateBackends)('operator commands on $name', (backend) => {
  let fresh: FreshStore;
  // A shared store needs the key its credentials and plans are sealed with.
  beforeEach(() => void vi.stubEnv('SLUICE_SECRET_KEY', 'c'.repeat(64)));
  afterEach(async () => {
    vi.unstubAllEnvs();
    await fresh.cleanup();
  });

  it('list, show and resolve attention; re-sync now; the log of a record and of a run', async () => {
    fresh = await backend.fresh();
    const dir = tempDir();
    const src = dataset(`${dir}:src`);
    dataset(`${dir}:dst`);
    src.source = [
      { id: 'a', name: 'Alpha', amount: 1 },
      { id: 'b', name: 'Beta', amount: 2 },
    ];
    const p = writePipeline(dir, {
      name: 'ops',
      source: { resource: 'rows' },
      transform: '{ "id": id, "name": name, "amount": amount = 2 ? $error("[data] no mapping for Beta") : amount }',
    });
    const state = ['--state', fresh.url, '--log-level', 'error'];
    const run = await sluice(['run', p, '--json', ...state]);
    expect(run.code, run.err).toBe(3);
    const runId = (JSON.parse(run.out) as { runId: string }).runId;

    // an unknown name or a missing file is refused, not "nothing needs attention"
    for (const args of [
      ['attention', 'list', 'opz'],
      ['runs', 'opz'],
      ['log', 'opz'],
      ['attention', 'list', join(dir, 'x.yaml')],
    ]) {
      const r = await sluice([...args, ...state]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/PIPELINE_(UNKNOWN|MISSING)/);
    }

    const list = await sluice(['attention', 'list', p, ...state]);
    expect(list.code).toBe(0);
    expect(list.out).toContain('ops  b  data  transform/TRANSFORM_FAILED  open  1 attempt');
    expect(list.out).toContain('no mapping for Beta');
    const [entry] = JSON.parse((await sluice(['attention', 'list', 'ops', '--json', ...state])).out) as {
      id: number;
    }[];
    const show = await sluice(['attention', 'show', String(entry!.id), ...state]);
    expect(show.out).toContain(`first seen`);
    expect(show.out).toContain(`(run ${runId})`);
    expect((await sluice(['attention', 'show', '12345', ...state])).code).toBe(2);

    const stored = await sluice(['resync', 'ops', '--key', 'a', ...state]);
    expect(stored.out).toContain('re-sync of 1 record of ops stored');
    expect((await sluice(['resync', 'ops', ...state])).err).toContain('RESYNC_SCOPE_INVALID');
    expect((await sluice(['resync', 'ops', '--failed', '--now', ...state])).err).toContain('RESYNC_NEEDS_FILE');

    const now = await sluice(['resync', p, '--key', 'a', '--now', ...state]);
    expect(now.code).toBe(3); // b still needs attention
    expect(now.out).toContain('a: nothing to change (the target already matches the source)');

    const resolve = await sluice([
      'attention',
      'resolve',
      String(entry!.id),
      '--reason',
      'posted by hand',
      '--by',
      'maria',
      ...state,
    ]);
    expect(resolve.code).toBe(0);
    expect((await sluice(['attention', 'list', 'ops', ...state])).out).toBe('nothing needs attention\n');

    const log = await sluice(['log', 'ops', '--key', 'b', ...state]);
    expect(log.out).toContain('resolve → resolved');
    expect(log.out).toContain('resolved by maria: posted by hand');
    expect(log.out).toContain('transform → parked');
    const changed = await sluice(['log', '--run', runId, ...state]);
    expect(changed.out).toContain('create → written');
    expect(changed.out).not.toContain('parked');
    expect((await sluice(['log', '--run', runId, '--all', ...state])).out).toContain('transform → parked');
    expect((await sluice(['runs', p, ...state])).code).toBe(0);

    // a CronJob's run (sluice k8s passes --trigger schedule) is logged as scheduled
    src.source[0] = { id: 'a', name: 'Alpha 2', amount: 1 };
    expect((await sluice(['run', p, '--trigger', 'schedule', ...state])).code).toBe(3);
    const scheduled = JSON.parse((await sluice(['log', 'ops', '--key', 'a', '--json', ...state])).out) as {
      entries: { op: string; trigger: string }[];
    };
    expect(scheduled.entries[0]).toMatchObject({ op: 'update', trigger: 'schedule' });
    // an unknown trigger is a usage error (main() exits 2 on it)
    await expect(sluice(['run', p, '--trigger', 'cron', ...state])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });
});
