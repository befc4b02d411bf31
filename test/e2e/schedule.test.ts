/**
 * The scheduler end to end, on the real MariaDB: `sluice schedule --serve` answers /healthz and
 * /metrics and exits cleanly on SIGTERM; two `schedule --serve` processes on the same pipelines and
 * store run each tick once between them (a real minute tick: the processes run on the system
 * clock, so the test waits for the tick by watching the store and /healthz, never for a fixed time);
 * and a `sluice run` killed with SIGKILL while it holds the lease is taken over by the scheduler's
 * next tick, every record written exactly once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { loadRegistry } from '../../connectors/index.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { serveSchedule } from '../../engine/schedule/serve.js';
import { openStateStore } from '../../engine/state/store.js';
import { startCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/mysql.js';
import { tempDir } from '../helpers/tmp.js';

const RECORDS = 30;
const SECRET = 'd'.repeat(64);
const PIPELINE = 'scheduled-postings';

describe('the scheduler on MariaDB', () => {
  let target: { url: string; name: string; drop(): Promise<void> };
  let state: { url: string; drop(): Promise<void> };
  let admin: mysql.Connection;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    target = await createTestDatabase('sched_target');
    state = await createTestDatabase('sched_state');
    admin = await mysql.createConnection(target.url);
    await admin.query('CREATE TABLE postings (id varchar(20) PRIMARY KEY, amount int NOT NULL)');
    dir = tempDir();
    const lines = Array.from({ length: RECORDS }, (_, i) =>
      JSON.stringify({ id: `S${String(i).padStart(3, '0')}`, amount: i }),
    );
    writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
    const u = new URL(target.url);
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: {
          files: { connector: 'file' },
          ledgerdb: {
            connector: 'sql',
            url: `mysql://${u.username}:\${env:TARGET_DB_PASSWORD}@${u.host}/${target.name}`,
          },
        },
      }),
    );
    writeFileSync(
      join(dir, `${PIPELINE}.yaml`),
      stringify({
        version: 1,
        name: PIPELINE,
        schedule: { cron: '0 * * * *', timezone: 'Europe/Berlin' },
        source: { connection: 'files', resource: 'records', options: { path: 'in.jsonl' } },
        transform: '{ "id": id, "amount": amount }',
        target: {
          connection: 'ledgerdb',
          resource: 'table',
          options: { table: 'postings' },
          mode: 'upsert',
          key: 'id',
        },
      }),
    );
    env = { TARGET_DB_PASSWORD: u.password, SLUICE_SECRET_KEY: SECRET };
  });
  afterAll(async () => {
    await admin.end();
    await target.drop();
    await state.drop();
  });

  it('serves /healthz and /metrics and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const p = startCli(
      ['schedule', '--serve', '.', '--port', '0', '--host', '127.0.0.1', '--state', state.url, '--log-format', 'json'],
      {
        cwd: dir,
        env,
      },
    );
    let stderr = '';
    p.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const port = await vi.waitFor(
        () => {
          const m = /serving \/healthz and \/metrics on 127\.0\.0\.1:(\d+)/.exec(stderr);
          if (!m) throw new Error('not listening yet');
          return Number(m[1]);
        },
        { timeout: 60_000, interval: 100 },
      );
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
        pipelines: { name: string; timezone: string }[];
      };
      expect(health.pipelines).toMatchObject([{ name: PIPELINE, timezone: 'Europe/Berlin' }]);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^sluice_pipelines\{state="scheduled"\} 1$/m);
      expect(metrics).not.toContain(new URL(target.url).password);
      p.child.kill('SIGTERM');
      const done = await p.done;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toContain('scheduler stopped');
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('two scheduler processes on the same pipelines run each tick once', { timeout: 240_000 }, async () => {
    const own = await createTestDatabase('sched2_state');
    const pdir = tempDir();
    await admin.query('CREATE TABLE postings2 (id varchar(20) PRIMARY KEY, amount int NOT NULL)');
    writeFileSync(join(pdir, 'in.jsonl'), readFileSync(join(dir, 'in.jsonl')));
    writeFileSync(join(pdir, 'connections.yaml'), readFileSync(join(dir, 'connections.yaml')));
    const name = 'every-minute';
    writeFileSync(
      join(pdir, `${name}.yaml`),
      stringify({
        version: 1,
        name,
        schedule: { cron: '* * * * *', timezone: 'UTC' },
        source: { connection: 'files', resource: 'records', options: { path: 'in.jsonl' } },
        transform: '{ "id": id, "amount": amount }',
        target: {
          connection: 'ledgerdb',
          resource: 'table',
          options: { table: 'postings2' },
          mode: 'upsert',
          key: 'id',
        },
      }),
    );
    const args = ['schedule', '--serve', '.', '--port', '0', '--host', '127.0.0.1', '--state', own.url, '--poll', '5s'];
    const procs = [0, 1].map(() => startCli([...args, '--log-format', 'json'], { cwd: pdir, env }));
    const errs = procs.map(() => '');
    procs.forEach((p, i) => p.child.stderr?.on('data', (d: Buffer) => (errs[i] += d.toString())));
    const store = await openStateStore({ url: own.url, secretKey: SECRET });
    try {
      const ports = await vi.waitFor(
        () =>
          errs.map((e) => {
            const m = /serving \/healthz and \/metrics on 127\.0\.0\.1:(\d+)/.exec(e);
            if (!m) throw new Error('not listening yet');
            return Number(m[1]);
          }),
        { timeout: 60_000, interval: 100 },
      );
      const next = async (port: number): Promise<string> => {
        const h = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pipelines: { next: string }[] };
        const n = h.pipelines[0]?.next;
        if (!n) throw new Error('not scheduled yet');
        return n;
      };
      const tick = await vi.waitFor(() => next(ports[0]!), { timeout: 30_000, interval: 100 });
      // both wait for the same minute, then both go past it: one ran it, the other skipped it
      await vi.waitFor(async () => expect(await next(ports[1]!)).toBe(tick), { timeout: 30_000, interval: 100 });
      for (const port of ports)
        await vi.waitFor(async () => expect(Date.parse(await next(port))).toBeGreaterThan(Date.parse(tick)), {
          timeout: 120_000,
          interval: 250,
        });
      await vi.waitFor(async () => expect((await store.runList(name)).map((r) => r.status)).not.toContain('running'), {
        timeout: 60_000,
        interval: 250,
      });
      const metrics = await Promise.all(ports.map(async (p) => (await fetch(`http://127.0.0.1:${p}/metrics`)).text()));
      for (const p of procs) p.child.kill('SIGTERM');
      for (const p of procs) expect((await p.done).code).toBe(0);

      const ticks = (await store.knex('sluice_schedule_ticks').where({ pipeline: name })) as {
        tick: string;
        claimed_by: string;
      }[];
      expect(ticks.map((t) => t.tick)).toContain(tick);
      const runs = await store.runList(name, 50);
      // every tick claimed ran once, in one scheduler; never two runs for one tick
      expect(runs).toHaveLength(ticks.length);
      expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
      const ran = metrics
        .flatMap((m) => [...m.matchAll(/^sluice_runs_total\{pipeline="every-minute",outcome="succeeded"\} (\d+)$/gm)])
        .reduce((n, m) => n + Number(m[1]), 0);
      expect(ran).toBe(ticks.length);
      const [rows] = (await admin.query('SELECT id FROM postings2')) as unknown as [{ id: string }[]];
      expect(rows).toHaveLength(RECORDS);
      expect(await store.ledgerCount(name)).toEqual({ written: RECORDS });
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.done));
      await store.close();
      await own.drop();
    }
  });

  it(
    'takes over at its next tick the lease of a run killed with SIGKILL, writing each record once',
    { timeout: 180_000 },
    async () => {
      await admin.query('LOCK TABLES postings WRITE'); // the run holds its lease, blocked on the target
      const killed = startCli(['run', `${PIPELINE}.yaml`, '--state', state.url, '--no-progress'], { cwd: dir, env });
      const store = await openStateStore({ url: state.url, secretKey: SECRET });
      try {
        await vi.waitFor(async () => expect((await store.leaseHolder(PIPELINE))?.pid).toBe(killed.child.pid), {
          timeout: 60_000,
          interval: 100,
        });
        killed.child.kill('SIGKILL');
        expect((await killed.done).signal).toBe('SIGKILL');
      } finally {
        await admin.query('UNLOCK TABLES');
      }
      const clock = new ManualClock(Date.now());
      const stop = new AbortController();
      const serving = serveSchedule({
        dir,
        registry: await loadRegistry(),
        state: store,
        port: 0,
        host: '127.0.0.1',
        clock,
        logger: silentLogger(),
        signal: stop.signal,
        pollMs: 3_600_000,
        env: { ...process.env, ...env },
      });
      await vi.waitFor(() => expect(clock.sleepers).toBe(2), { timeout: 60_000 });
      const tick = Math.ceil(clock.now() / 3_600_000) * 3_600_000; // the next full hour (Berlin is a whole hour off UTC)
      clock.set(tick);
      await vi.waitFor(
        async () => expect((await store.runList(PIPELINE)).map((r) => r.status)).toContain('succeeded'),
        {
          timeout: 60_000,
          interval: 200,
        },
      );
      stop.abort();
      await serving;
      const runs = await store.runList(PIPELINE);
      expect(runs.map((r) => r.status).sort()).toEqual(['abandoned', 'succeeded']);
      expect(JSON.stringify(runs.find((r) => r.status === 'abandoned')?.report)).toContain('process-gone');
      const [rows] = (await admin.query('SELECT id FROM postings')) as unknown as [{ id: string }[]];
      expect(rows).toHaveLength(RECORDS);
      expect(await store.ledgerCount(PIPELINE)).toEqual({ written: RECORDS });
      expect((await store.auditList(PIPELINE)).map((a) => a.action)).toContain('lease-expired-taken');
      await store.close();
    },
  );
});
