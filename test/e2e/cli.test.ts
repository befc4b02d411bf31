/** End-to-end: the CLI as a subprocess, on the file connector and the embedded SQLite state store. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

function project(n: number, extra: Record<string, unknown> = {}): string {
  const dir = tempDir();
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(
      JSON.stringify({
        id: `r${String(i).padStart(6, '0')}`,
        amount: i,
        modified: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}`,
      }),
    );
  writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'connections.yaml'), stringify({ connections: { files: { connector: 'file' } } }));
  writeFileSync(
    join(dir, 'p.yaml'),
    stringify({
      version: 1,
      name: 'e2e',
      source: {
        connection: 'files',
        resource: 'records',
        options: { path: 'in.jsonl' },
        incremental: { field: 'modified' },
      },
      transform: '{ "id": id, "amount": amount, "double": amount * 2 }',
      target: { connection: 'files', resource: 'records', options: { path: 'out.jsonl' }, mode: 'upsert', key: 'id' },
      ...extra,
    }),
  );
  return dir;
}

function outKeys(dir: string): string[] {
  if (!existsSync(join(dir, 'out.jsonl'))) return [];
  return readFileSync(join(dir, 'out.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);
}

describe('sluice CLI', () => {
  it('validate exits 2 with positioned problems, in text and GitHub formats', async () => {
    const dir = project(1, { target: { connection: 'nope', resource: 'records' } });
    const text = await cli(['validate', 'p.yaml'], { cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('p.yaml:');
    expect(text.stdout).toMatch(/p\.yaml:\d+:\d+ CONNECTION_UNKNOWN/);
    expect(text.stdout).toMatch(/p\.yaml:\d+:\d+ KEY_MISSING/);
    const gh = await cli(['validate', '--format', 'github', 'p.yaml'], { cwd: dir });
    expect(gh.stdout).toMatch(/^::error file=p\.yaml,line=\d+,col=\d+,title=CONNECTION_UNKNOWN::/m);
  });

  it('run, then a plan with --detailed-exitcode shows no changes; JSON logs carry the run id', async () => {
    const dir = project(50);
    const run = await cli(['run', 'p.yaml', '--log-format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('created 50');
    const logLines = run.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { runId?: string; msg: string });
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.every((l) => typeof l.runId === 'string')).toBe(true);
    expect(outKeys(dir)).toHaveLength(50);
    const plan = await cli(['plan', 'p.yaml', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('0 to create, 0 to update, 0 to delete');
  });

  it('plan --out and apply; a second apply of the same plan is refused as stale', async () => {
    const dir = project(5);
    const plan = await cli(['plan', 'p.yaml', '--out', 'plan.json', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code).toBe(4);
    expect(plan.stdout).toContain('+ create  r000000');
    expect(outKeys(dir)).toHaveLength(0);
    const apply = await cli(['apply', 'plan.json'], { cwd: dir });
    expect(apply.code).toBe(0);
    expect(outKeys(dir)).toHaveLength(5);
    const again = await cli(['apply', 'plan.json'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stdout + again.stderr).toContain('PLAN_STALE');
    expect(outKeys(dir)).toHaveLength(5);
  });

  it('a process killed mid-apply loses nothing and writes nothing twice on the rerun', async () => {
    const n = 30_000;
    const dir = project(n);
    const { child, done } = startCli(['run', 'p.yaml', '--no-progress'], { cwd: dir });
    const out = join(dir, 'out.jsonl');
    // kill -9 once the target has some, but not all, of the records
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(out) && statSync(out).size > 100_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 2);
      void done.then(() => {
        clearInterval(timer);
        reject(new Error('the run finished before it could be killed; raise n'));
      });
    });
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = outKeys(dir).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(n);

    // no --force: the dead run's lease is recognised as dead (same host, process gone)
    const rerun = await cli(['run', 'p.yaml', '--no-progress'], { cwd: dir });
    expect(rerun.code).toBe(0);
    const keys = outKeys(dir);
    expect(keys).toHaveLength(n);
    expect(new Set(keys).size).toBe(n);
    // and the cursor only moved now: a third run reads from the end and changes nothing
    const third = await cli(['run', 'p.yaml', '--json', '--no-progress'], { cwd: dir });
    const report = JSON.parse(third.stdout) as { plan: { counts: { create: number; update: number } } };
    expect(report.plan.counts).toMatchObject({ create: 0, update: 0 });
  }, 120_000);

  it('test runs the offline pipeline tests and fails with a readable diff', async () => {
    const dir = project(1);
    writeFileSync(
      join(dir, 'p.test.yaml'),
      stringify({
        cases: [
          {
            name: 'doubles',
            source: [{ id: 'x', amount: 2 }],
            expect: { records: [{ id: 'x', amount: 2, double: 5 }], operations: [{ op: 'create', key: 'x' }] },
          },
        ],
      }),
    );
    const r = await cli(['test', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  p.test.yaml › doubles');
    expect(r.stdout).toContain('records[0].double: expected 5, got 4');
  });

  it('emulate --help lists the emulators; emulate <system> --help prints its options', async () => {
    const all = await cli(['emulate', '--help'], { cwd: tempDir() });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Systems: concur, sap-b1, ar-platform');
    const concur = await cli(['emulate', 'concur', '--help'], { cwd: tempDir() });
    expect(concur.code).toBe(0);
    expect(concur.stdout).toContain('--token-ttl <seconds>');
    expect(concur.stdout).toContain('GET /_emulator/counters');
    const b1 = await cli(['emulate', 'sap-b1', '-h'], { cwd: tempDir() });
    expect(b1.stdout).toContain('--session-timeout <min>');
    const ar = await cli(['emulate', 'ar-platform', '--help'], { cwd: tempDir() });
    expect(ar.stdout).toContain('--token-ttl <seconds>');
    const bad = await cli(['emulate', 'sap-b1', '--nope'], { cwd: tempDir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('see sluice emulate sap-b1 --help');
  });
});
