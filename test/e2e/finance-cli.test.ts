/**
 * The CLI side of the finance page, as a subprocess of the built CLI: `sluice users` (password on
 * stdin, never an argument), `sluice plans` with four-eyes approval of a pipeline marked
 * `approval: required` (run saves the plan, the author is refused, a second person approves, apply
 * writes), and `sluice serve` binding loopback and stopping on SIGTERM.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PIPELINES_DIR } from '../../app/demo/environment.js';
import { cli, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('sluice-finance-cli-');
const state = `sqlite:${join(dir, 'state.db')}`;
const env = { SLUICE_SECRET_KEY: 'k'.repeat(64) };
const run = (args: string[], input?: string) =>
  cli([...args, '--state', state], { cwd: dir, env, ...(input !== undefined && { input }) });

describe('sluice users', () => {
  it('adds, lists, changes and removes users; the password comes from stdin and is checked', async () => {
    expect(
      (await run(['users', 'add', 'vera', '--role', 'viewer', '--by', 'admin'], 'a fine passphrase\n')).stdout,
    ).toBe('added vera (viewer)\n');
    const dup = await run(['users', 'add', 'vera', '--role', 'viewer'], 'a fine passphrase\n');
    expect([dup.code, dup.stderr]).toEqual([2, expect.stringContaining('USER_EXISTS')]);
    const weak = await run(['users', 'add', 'otto', '--role', 'viewer'], 'short\n');
    expect([weak.code, weak.stderr]).toEqual([2, expect.stringContaining('PASSWORD_WEAK')]);
    const role = await run(['users', 'add', 'otto', '--role', 'admin'], 'a fine passphrase\n');
    expect([role.code, role.stderr]).toEqual([2, expect.stringContaining('not a role')]);
    expect((await run(['users', 'passwd', 'vera', '--role', 'operator'], 'another passphrase\n')).code).toBe(0);
    const list = await run(['users', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((u: { username: string; role: string }) => [u.username, u.role])).toEqual([
      ['vera', 'operator'],
    ]);
    expect(list.stdout).not.toContain('passphrase');
    expect((await run(['users', 'remove', 'vera'])).code).toBe(0);
    expect((await run(['users', 'list'])).stdout).toContain('no users yet');
  }, 120_000);
});

describe('sluice plans', () => {
  it('a run of a pipeline that requires approval saves a plan; its author may not approve it; apply writes once approved', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    copyFileSync(join(PIPELINES_DIR, 'data', 'vendors.csv'), join(dir, 'data', 'vendors.csv'));
    writeFileSync(join(dir, 'connections.yaml'), stringify({ connections: { files: { connector: 'file' } } }));
    writeFileSync(
      join(dir, 'vendors.yaml'),
      stringify({
        version: 1,
        name: 'vendors-approved',
        source: { connection: 'files', resource: 'records', key: 'vendor_code', options: { path: 'data/vendors.csv' } },
        transform: '{ "VendorCode": vendor_code, "Name": name }',
        target: {
          connection: 'files',
          resource: 'records',
          options: { path: 'out/vendors.jsonl' },
          mode: 'upsert',
          key: 'VendorCode',
        },
        approval: 'required',
      }),
    );
    const out = join(dir, 'out', 'vendors.jsonl');
    const planned = await run(['run', 'vendors.yaml', '--no-progress']);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/approval required: nothing was applied; plan 1 \(/);
    expect(existsSync(out)).toBe(false);
    const list = await run(['plans', 'list']);
    expect(list.stdout).toMatch(/^\s+1\s+pending\s+vendors-approved/);
    const show = await run(['plans', 'show', '1']);
    expect(show.stdout).toContain('create');

    const own = await run(['plans', 'approve', '1']);
    expect([own.code, own.stderr]).toEqual([2, expect.stringContaining('PLAN_APPROVER_IS_AUTHOR')]);
    const planPath = JSON.parse((await run(['plans', 'list', '--json'])).stdout)[0].planPath as string;
    const early = await run(['apply', planPath, '--no-progress']);
    expect([early.code, early.stdout]).toEqual([2, expect.stringContaining('PLAN_NOT_APPROVED')]);

    const ok = await run(['plans', 'approve', '1', '--by', 'dana', '--comment', 'checked']);
    expect(ok.stdout).toContain('plan 1 approved by dana');
    const applied = await run(['apply', planPath, '--no-progress']);
    expect(applied.code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
    expect((await run(['plans', 'list', '--all'])).stdout).toMatch(/1\s+applied/);
  }, 120_000);
});

describe('sluice serve', () => {
  it('binds loopback by default, answers, and stops on SIGTERM', async () => {
    const { child, done } = startCli(['serve', '--port', '0', '--state', state, '--pipelines', dir], { cwd: dir, env });
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /at (http:\/\/[^ ]+) /.exec(text);
        if (m) resolve(m[1]!);
      });
      child.once('close', () => reject(new Error(`serve exited: ${text}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
    const home = await fetch(`${url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/login?next=%2F']);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });
});
