/**
 * The transform on threads (engine/transform/transform-pool.ts) plans exactly what the main thread
 * alone plans: the same operations in the same order (plan hash), the same target file, the same
 * attention entries with the same codes, reason classes and messages — for lookups, a function
 * library, `$error` tags, records that yield several targets or none, and values the transform
 * refuses. Run through the built CLI, where the threads exist.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const N = 600;

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-threads-'));
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    lines.push(
      JSON.stringify({
        id: `R${String(i).padStart(4, '0')}`,
        type: ['AIR', 'HOTEL', 'MEALS', 'NONE'][i % 4],
        amount: String((i * 7.31).toFixed(2)),
        split: i % 10 === 0,
        shape: i % 97 === 0 ? 'text' : i % 89 === 0 ? 'nothing' : 'object',
      }),
    );
  }
  writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'accounts.json'),
    JSON.stringify([
      { type: 'AIR', account: '6100' },
      { type: 'HOTEL', account: '6200' },
      { type: 'MEALS', account: '6300' },
    ]),
  );
  writeFileSync(
    join(dir, 'lib.jsonata'),
    `{ "cents": function($a) { $round($number($a) * 100) }, "account": function($t) {
        $lookup('accounts', $t).account ? $lookup('accounts', $t).account
          : $error("[config MAPPING_MISSING] type " & $t & " has no account") } }`,
  );
  writeFileSync(join(dir, 'connections.yaml'), 'connections:\n  files: { connector: file }\n');
  writeFileSync(
    join(dir, 'p.yaml'),
    `version: 1
name: threads
source: { connection: files, resource: records, key: id, options: { path: in.jsonl }, pageSize: 200 }
lookups:
  accounts: { connection: files, resource: records, key: type, options: { path: accounts.json } }
functions: [lib.jsonata]
transform: |
  shape = "text" ? "not a record" : shape = "nothing" ? undefined :
  split ? [
    { "ref": id & "-1", "account": $account(type), "cents": $cents(amount) },
    { "ref": id & "-2", "account": $account(type), "cents": $cents(amount) * 2 }
  ] : { "ref": id, "account": $account(type), "cents": $cents(amount), "double": $cents(amount) * 2 }
target: { connection: files, resource: records, key: ref, mode: upsert, options: { path: out.jsonl } }
on_error: attention
`,
  );
  return dir;
}

async function plan(dir: string, threads: string) {
  const r = await cli(
    [
      'plan',
      'p.yaml',
      '--json',
      '--no-progress',
      '--threads',
      threads,
      '--log-level',
      'debug',
      '--state',
      `sqlite:${join(dir, `${threads}.db`)}`,
    ],
    { cwd: dir },
  );
  expect(r.stderr).not.toMatch(/"level":(50|60)/);
  return { report: JSON.parse(r.stdout) as Record<string, any>, stderr: r.stderr, code: r.code };
}

describe('the transform on threads', () => {
  it('plans exactly what one thread plans: operations, order, attention entries and their reasons', async () => {
    const dir = fixture();
    const one = await plan(dir, '0');
    const three = await plan(dir, '3');
    expect(three.stderr).toMatch(/transform threads started/);
    expect(one.stderr).not.toMatch(/transform threads started/);
    expect(one.code).toBe(three.code);
    const c = one.report.plan?.counts ?? one.report.counts;
    expect(c.create).toBeGreaterThan(400);
    expect(c.attention).toBeGreaterThan(100); // NONE types, refused shapes
    expect(three.report.planHash).toBe(one.report.planHash);
    expect(three.report.plan?.counts ?? three.report.counts).toEqual(c);
    const attention = (r: Record<string, any>) => JSON.stringify(r.attention ?? r.plan?.attention);
    expect(attention(three.report)).toBe(attention(one.report));
  }, 120_000);

  it('a run on threads writes the same target file and parks the same records as one thread', async () => {
    const dirs: Record<string, string> = { '0': fixture(), '2': fixture() };
    const run = (threads: string) =>
      cli(
        [
          'run',
          'p.yaml',
          '--json',
          '--no-progress',
          '--threads',
          threads,
          '--state',
          `sqlite:${join(dirs[threads]!, 'run.db')}`,
        ],
        {
          cwd: dirs[threads]!,
        },
      );
    const [a, b] = [await run('0'), await run('2')];
    expect(a.code).toBe(3); // records need attention
    expect(b.code).toBe(3);
    const written = readFileSync(join(dirs['2']!, 'out.jsonl'), 'utf8');
    expect(written.split('\n').length).toBeGreaterThan(400);
    expect(written).toBe(readFileSync(join(dirs['0']!, 'out.jsonl'), 'utf8'));
    const listed = async (threads: string) => {
      const r = await cli(['attention', 'list', '--json', '--state', `sqlite:${join(dirs[threads]!, 'run.db')}`], {
        cwd: dirs[threads]!,
      });
      return (JSON.parse(r.stdout) as { sourceKey: string; code: string; reasonClass: string; message: string }[])
        .map((e) => `${e.sourceKey} ${e.code} ${e.reasonClass} ${e.message}`)
        .sort();
    };
    const parked = await listed('2');
    expect(parked).toEqual(await listed('0'));
    expect(parked.some((p) => / MAPPING_MISSING config type NONE has no account$/.test(p))).toBe(true);
    expect(parked.some((p) => / TRANSFORM_SHAPE /.test(p))).toBe(true);
  }, 120_000);

  it('refuses a thread count that is not a number or auto, naming where it came from', async () => {
    const dir = fixture();
    const flag = await cli(['plan', 'p.yaml', '--threads', 'many'], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--threads must be a whole number from 0 to 64, or auto; got "many"/);
    const env = await cli(['plan', 'p.yaml', '--state', `sqlite:${join(dir, 'env.db')}`], {
      cwd: dir,
      env: { SLUICE_THREADS: '-1' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/SLUICE_THREADS must be a whole number/);
  }, 60_000);
});
