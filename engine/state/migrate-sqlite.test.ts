/** Migrations on SQLite: another process's write lock, and a process killed halfway through a migration. */
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import type { Clock } from '../runtime/clock.js';
import { MIGRATIONS } from './migrations.js';
import { openStateStore } from './store.js';

/** Time that passes only while the code under test waits: its sleeps return at once and move it on. */
class WaitingClock implements Clock {
  t = Date.UTC(2026, 0, 1);
  slept = 0;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    this.slept += ms;
    return Promise.resolve();
  }
}

describe('migrations on sqlite: locks and crashes', () => {
  it('fails with STATE_STORE_LOCKED when another connection keeps the write lock past the timeout', async () => {
    const file = `${tempDir()}/state.db`;
    const other = new Database(file);
    other.pragma('journal_mode = WAL');
    other.exec('BEGIN IMMEDIATE');
    const clock = new WaitingClock();
    const err = await openStateStore({ url: `sqlite:${file}`, lockTimeoutMs: 5000, clock }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STATE_STORE_LOCKED', retryable: true });
    expect((err as Error).message).toContain(`fuser ${file}`);
    expect(clock.slept).toBeGreaterThanOrEqual(5000);
    // A transaction that ends without committing (as a crashed process's does) leaves nothing locked.
    other.exec('ROLLBACK');
    other.close();
    const store = await openStateStore({ url: `sqlite:${file}`, clock });
    expect(store.migrated.applied).toEqual(MIGRATIONS.map((m) => m.name));
    await store.close();
  });

  it('a process killed with SIGKILL in the middle of a migration leaves nothing half-done', async () => {
    const file = `${tempDir()}/state.db`;
    // What a migrating process has done when it dies: bookkeeping tables, part of 0001, uncommitted.
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('journal_mode = WAL');
      db.exec('create table if not exists sluice_migrations (id integer not null primary key autoincrement, name varchar(255), batch integer, migration_time datetime)');
      db.exec('BEGIN IMMEDIATE');
      db.exec('create table sluice_runs (id varchar(36) primary key)');
      db.exec("insert into sluice_migrations (name, batch) values ('0001_initial', 1)");
      process.stdout.write('halfway\\n');
      setInterval(() => {}, 1 << 30);`;
    const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => d.toString().includes('halfway') && resolve()),
    );
    child.kill('SIGKILL');
    await exited;
    const store = await openStateStore({ url: `sqlite:${file}`, secretKey: 'k'.repeat(64) });
    expect(store.migrated.applied).toEqual(MIGRATIONS.map((m) => m.name));
    // sluice_runs is 0001's full table, not the dead process's one-column start
    await store.runStart({ id: 'r1', pipeline: 'p', command: 'run', startedAt: new Date().toISOString() });
    expect((await store.runList('p'))[0]).toMatchObject({ id: 'r1', status: 'running' });
    await store.close();
  });
});
