/** Migrations on MariaDB: the named lock, a holder that dies, a migration interrupted halfway. */
import { spawn } from 'node:child_process';
import knexFactory, { type Knex } from 'knex';
import type mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminConnection, stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import type { StateStoreLockedError } from '../errors.js';
import { migrateStore, type Migration } from './migrate.js';
import { migrationLockName } from './mysql-lock.js';
import { openStateStore } from './store.js';
import { parseStateUrl } from './url.js';

const mariadb = stateBackends.find((b) => b.name === 'mariadb')!;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function one<T>(conn: mysql.Connection, sql: string, values: unknown[] = []): Promise<T> {
  const [rows] = (await conn.query(sql, values)) as unknown as [T[]];
  return rows[0]!;
}

/** Waits until some connection is waiting in GET_LOCK (the condition, not a guess at how long it takes). */
async function someoneWaitsForLock(conn: mysql.Connection): Promise<void> {
  for (;;) {
    const { n } = await one<{ n: number }>(
      conn,
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT GET_LOCK%' AND ID <> CONNECTION_ID()",
    );
    if (Number(n) > 0) return;
    await new Promise((r) => setImmediate(r));
  }
}

describe('migrations on mariadb: locks and interruptions', () => {
  let fresh: FreshStore;
  let admin: mysql.Connection;
  let lock: string;
  const knexes: Knex[] = [];
  beforeEach(async () => {
    fresh = await mariadb.fresh();
    admin = await adminConnection(fresh.url);
    lock = migrationLockName(fresh.name);
  });
  afterEach(async () => {
    await Promise.all(knexes.splice(0).map((k) => k.destroy()));
    await admin.end().catch(() => undefined);
    await fresh.cleanup();
  });
  function knex(): Knex {
    const k = knexFactory(parseStateUrl(fresh.url).knexConfig);
    knexes.push(k);
    return k;
  }

  it('fails with STATE_STORE_LOCKED naming the connection that holds the lock; opens once it is gone', async () => {
    const holder = await adminConnection(fresh.url);
    const { got, id } = await one<{ got: number; id: number }>(
      holder,
      'SELECT GET_LOCK(?, 0) AS got, CONNECTION_ID() AS id',
      [lock],
    );
    expect(got).toBe(1);
    const err = (await openStateStore({ url: fresh.url, lockTimeoutMs: 1000 }).catch((e: unknown) => e)) as
      StateStoreLockedError | undefined;
    expect(err).toMatchObject({ code: 'STATE_STORE_LOCKED', retryable: true });
    expect(err!.message).toContain(`connection ${id} (user sluice_test from 127.0.0.1:`);
    expect(err!.message).toContain(lock);
    expect(err!.message).toContain('sluice state unlock --kill');
    expect(err!.holder).toMatchObject({ connectionId: id, user: 'sluice_test', visible: true });
    // The holder's connection ends without releasing anything (as when its process dies).
    holder.destroy();
    const store = await openStateStore({ url: fresh.url, lockTimeoutMs: 30_000 });
    expect(store.migrated.applied.length).toBeGreaterThan(0);
    await store.close();
  });

  it('a process killed with SIGKILL while holding the lock does not leave it behind', async () => {
    const script = `
      const mysql = require('mysql2/promise');
      mysql.createConnection(process.argv[1]).then(async (c) => {
        const [[r]] = await c.query('SELECT GET_LOCK(?, 0) AS got, CONNECTION_ID() AS id', [process.argv[2]]);
        process.stdout.write('holding ' + r.got + ' ' + r.id + '\\n');
        setInterval(() => {}, 1 << 30);
      });`;
    const child = spawn(process.execPath, ['-e', script, fresh.url, lock], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    const held = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
    });
    const [, got, childConn] = held.split(' ');
    expect(got).toBe('1');
    expect(await one<{ id: number }>(admin, 'SELECT IS_USED_LOCK(?) AS id', [lock])).toEqual({ id: Number(childConn) });
    const opening = openStateStore({ url: fresh.url, lockTimeoutMs: 60_000 });
    await someoneWaitsForLock(admin);
    child.kill('SIGKILL');
    await exited;
    const store = await opening;
    expect(store.migrated.applied.length).toBeGreaterThan(0);
    await store.close();
  });

  const createA = (k: Knex) =>
    k.schema.createTable('t_a', (t) => {
      t.string('id', 10).primary();
      t.string('x', 10).index('t_a_x');
    });
  const createB = (k: Knex) => k.schema.createTable('t_b', (t) => t.string('id', 10).primary());

  it('resumes a migration whose connection was killed halfway, after its last completed statement', async () => {
    const reached = deferred();
    const gate = deferred();
    const gated: Migration[] = [
      {
        name: '0001_test',
        async up(k) {
          await createA(k); // two statements: create table, add index
          reached.resolve();
          await gate.promise;
          await createB(k);
        },
      },
    ];
    const first = migrateStore(knex(), { kind: 'mysql', display: 'test-store', migrations: gated });
    await reached.promise;
    const { id } = await one<{ id: number }>(admin, 'SELECT IS_USED_LOCK(?) AS id', [lock]);
    await admin.query(`KILL ${Number(id)}`);
    gate.resolve();
    const err = await first.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STATE_STORE_MIGRATION_FAILED' });
    expect((err as Error).message).toContain('failed at statement 3 (create table `t_b`');
    expect((err as Error).message).toContain('the next open of the store resumes at statement 3');
    // The lock went with the connection; what completed is recorded.
    expect(await one(admin, 'SELECT IS_FREE_LOCK(?) AS free', [lock])).toEqual({ free: 1 });
    expect(await one(admin, 'SELECT name, step FROM sluice_migrations_progress')).toEqual({
      name: '0001_test',
      step: 2,
    });
    expect(await one(admin, "SELECT COUNT(*) AS n FROM sluice_migrations WHERE name = '0001_test'")).toEqual({ n: 0 });

    const plain: Migration[] = [{ name: '0001_test', up: async (k) => (await createA(k), await createB(k)) }];
    const second = await migrateStore(knex(), { kind: 'mysql', display: 'test-store', migrations: plain });
    expect(second).toEqual({ applied: ['0001_test'], resumed: [{ name: '0001_test', atStatement: 3 }] });
    expect(await one(admin, 'SELECT COUNT(*) AS n FROM sluice_migrations_progress')).toEqual({ n: 0 });
    expect(await one(admin, "SELECT name, batch FROM sluice_migrations WHERE name = '0001_test'")).toEqual({
      name: '0001_test',
      batch: 1,
    });
    const [indexes] = (await admin.query("SHOW INDEX FROM t_a WHERE Key_name = 't_a_x'")) as unknown as [unknown[]];
    expect(indexes).toHaveLength(1);
    await admin.query("INSERT INTO t_b (id) VALUES ('ok')");
  });

  it('on resume, takes the statement in flight as done when its effect is there; never otherwise', async () => {
    const plain: Migration[] = [{ name: '0001_test', up: async (k) => (await createA(k), await createB(k)) }];
    // As if a process died right after CREATE TABLE t_a completed, before recording it.
    await admin.query('CREATE TABLE t_a (id varchar(10) primary key, x varchar(10))');
    const unrecorded = await migrateStore(knex(), { kind: 'mysql', display: 'test-store', migrations: plain }).catch(
      (e: unknown) => e,
    );
    expect(unrecorded).toMatchObject({ code: 'STATE_STORE_MIGRATION_FAILED' });
    expect((unrecorded as Error).message).toMatch(/failed at statement 1 .*already exists/);
    // Now with the progress row such a process leaves: statement 1 was in flight.
    await admin.query('UPDATE sluice_migrations_progress SET step = 0');
    const resumed = await migrateStore(knex(), { kind: 'mysql', display: 'test-store', migrations: plain });
    expect(resumed.resumed).toEqual([{ name: '0001_test', atStatement: 1 }]);
    const [indexes] = (await admin.query("SHOW INDEX FROM t_a WHERE Key_name = 't_a_x'")) as unknown as [unknown[]];
    expect(indexes).toHaveLength(1);
  });
});
