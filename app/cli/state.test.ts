/** `sluice state unlock` through the command line (in process), on both state-store backends. */
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import knexFactory from 'knex';
import type mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../connectors/index.js';
import { adminConnection, stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { migrationLockName } from '../../engine/state/mysql-lock.js';
import { openStateStore } from '../../engine/state/store.js';
import { STORE_AUDIT_SCOPE } from '../../engine/state/unlock.js';
import { parseStateUrl } from '../../engine/state/url.js';
import type { CliIo } from './common.js';
import { buildProgram } from './main.js';

async function sluice(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const io: CliIo = { stdout, stderr: stdout, registry: () => loadRegistry(), exitCode: 0 };
  await buildProgram(io).parseAsync(['node', 'sluice', ...args]);
  return { code: io.exitCode, out };
}

async function auditActions(url: string): Promise<{ action: string; detail: Record<string, unknown> }[]> {
  const s = await openStateStore({ url, secretKey: 'a'.repeat(64) });
  try {
    return (await s.auditList(STORE_AUDIT_SCOPE)).map((a) => ({
      action: a.action,
      detail: JSON.parse(a.detail) as Record<string, unknown>,
    }));
  } finally {
    await s.close();
  }
}

describe.each(stateBackends)('sluice state unlock on $name', (backend) => {
  let fresh: FreshStore;
  afterEach(() => fresh.cleanup());

  it('resets the migration lock row an older sluice left set when it crashed, audited', async () => {
    fresh = await backend.fresh();
    await (await openStateStore({ url: fresh.url })).close();
    const knex = knexFactory(parseStateUrl(fresh.url).knexConfig);
    await knex('sluice_migrations_lock').update({ is_locked: 1 });
    await knex.destroy();

    const first = await sluice(['state', 'unlock', '--state', fresh.url]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('migration lock of an older sluice (sluice_migrations_lock): was set, now reset');
    expect(first.out).toMatch(/nothing is locked\n$/);
    const audit = await auditActions(fresh.url);
    expect(audit.map((a) => a.action)).toEqual(['migration-lock-reset']);
    expect(audit[0]!.detail).toMatchObject({ rows: 1, by: { pid: process.pid } });

    const again = await sluice(['state', 'unlock', '--state', fresh.url, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({
      stillLocked: false,
      findings: expect.arrayContaining([{ kind: 'legacy-clear' }]) as unknown,
    });
    expect(await auditActions(fresh.url)).toHaveLength(1);
  });
});

describe('sluice state unlock on sqlite', () => {
  it('reports a live process holding the write lock, and exits 1', async () => {
    const fresh = await stateBackends.find((b) => b.name === 'sqlite')!.fresh();
    await (await openStateStore({ url: fresh.url })).close();
    const other = new Database(fresh.name);
    other.exec('BEGIN IMMEDIATE');
    const held = await sluice(['state', 'unlock', '--state', fresh.url]);
    expect(held.code).toBe(1);
    expect(held.out).toContain(`write lock of ${fresh.name}: held by a live process`);
    expect(held.out).toContain(`fuser ${fresh.name}`);
    other.exec('ROLLBACK');
    other.close();
    const free = await sluice(['state', 'unlock', '--state', fresh.url]);
    expect(free.code).toBe(0);
    expect(free.out).toContain(`write lock of ${fresh.name}: free`);
  });
});

describe('sluice state unlock on mariadb', () => {
  let fresh: FreshStore;
  let admin: mysql.Connection;
  afterEach(async () => {
    await admin.end().catch(() => undefined);
    await fresh.cleanup();
  });

  it('shows the connection holding the migration lock; --kill kills it, or says which privilege it lacks', async () => {
    fresh = await stateBackends.find((b) => b.name === 'mariadb')!.fresh();
    admin = await adminConnection(fresh.url);
    await (await openStateStore({ url: fresh.url })).close();
    const lock = migrationLockName(fresh.name);
    // A hung process's connection, holding the lock.
    const hung = await adminConnection(fresh.url);
    const [[{ id }]] = (await hung.query('SELECT CONNECTION_ID() AS id, GET_LOCK(?, 0) AS got', [lock])) as unknown as [
      [{ id: number }],
    ];
    const hungClosed = new Promise((resolve) => hung.once('error', resolve));

    const shown = await sluice(['state', 'unlock', '--state', fresh.url]);
    expect(shown.code).toBe(1);
    expect(shown.out).toContain(`migration lock ${lock}: held by connection ${id} (user sluice_test from 127.0.0.1:`);
    expect(shown.out).toContain('run again with --kill');
    expect(await auditActions(fresh.url)).toEqual([]);

    // A database user that may not kill other users' connections (nor see them in the processlist).
    const low = `low_${fresh.name.slice(-10)}`;
    await admin.query(`CREATE USER '${low}'@'127.0.0.1' IDENTIFIED BY 'low-pass'`);
    await admin.query(`GRANT ALL PRIVILEGES ON \`${fresh.name}\`.* TO '${low}'@'127.0.0.1'`);
    try {
      const lowUrl = fresh.url.replace(/\/\/[^@]+@/, `//${low}:low-pass@`);
      const refused = await sluice(['state', 'unlock', '--state', lowUrl, '--kill']);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain(`killing connection ${id} (not visible in the processlist`);
      expect(refused.out).toContain('was refused (KILL CONNECTION');
      expect(refused.out).toContain('CONNECTION ADMIN');
      expect(refused.out).toContain(`KILL ${id}`);
    } finally {
      await admin.query(`DROP USER '${low}'@'127.0.0.1'`);
    }

    const killed = await sluice(['state', 'unlock', '--state', fresh.url, '--kill']);
    expect(killed.code).toBe(0);
    expect(killed.out).toContain(`migration lock ${lock}: killed connection ${id}`);
    await hungClosed;
    const audit = await auditActions(fresh.url);
    expect(audit.map((a) => a.action)).toEqual(['migration-lock-kill-refused', 'migration-lock-killed']);
    expect(audit[1]!.detail).toMatchObject({ lock, holder: { connectionId: id, user: 'sluice_test' } });
    // and the next process gets the lock (waiting for the server to finish ending the killed connection)
    const [[{ got }]] = (await admin.query('SELECT GET_LOCK(?, 30) AS got', [lock])) as unknown as [[{ got: number }]];
    expect(got).toBe(1);
  });

  it('reports a migration an earlier process did not finish', async () => {
    fresh = await stateBackends.find((b) => b.name === 'mariadb')!.fresh();
    admin = await adminConnection(fresh.url);
    await (await openStateStore({ url: fresh.url })).close();
    await admin.query(
      "INSERT INTO sluice_migrations_progress (name, step, started_at, owner) VALUES ('0003_x', 2, '2026-01-01T00:00:00.000Z', 'host h pid 9')",
    );
    const out = await sluice(['state', 'unlock', '--state', fresh.url]);
    expect(out.code).toBe(0);
    expect(out.out).toContain('migration 0003_x was interrupted after statement 2');
    expect(out.out).toContain('the next open of the store resumes it');
  });
});
