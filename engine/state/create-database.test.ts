/** A MariaDB state store whose database is missing: created when the user may, else an error that says how. */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStateStore } from './store.js';

const base = inject('mysqlUrl');
const created: string[] = [];
const users: string[] = [];

async function admin<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection(base);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  await admin(async (c) => {
    for (const db of created) await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
    for (const u of users) await c.query(`DROP USER IF EXISTS '${u}'@'127.0.0.1'`);
  });
});

describe('a missing MariaDB state store database', () => {
  it('is created (utf8mb4, binary collation) and migrated when the user may create databases', async () => {
    const name = `missing_${randomBytes(4).toString('hex')}`;
    created.push(name);
    const store = await openStateStore({ url: `${base}${name}`, secretKey: 'k'.repeat(64) });
    try {
      expect(store.migrated.applied.length).toBeGreaterThan(0);
      await store.acquireLease('p', 'r1', 60_000);
      await store.commit('p', 'r1', { cursor: '7' });
      expect(await store.cursorGet('p')).toBe('7');
    } finally {
      await store.close();
    }
    const [rows] = await admin((c) =>
      c.query('SELECT DEFAULT_COLLATION_NAME AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]),
    );
    expect(rows).toEqual([{ c: 'utf8mb4_bin' }]);
  });

  it('without the privilege: exit-2 error naming the statement an administrator runs, password masked', async () => {
    const user = `nopriv_${randomBytes(3).toString('hex')}`;
    users.push(user);
    await admin((c) => c.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'secret-pw-123'`));
    const url = new URL(base);
    url.username = user;
    url.password = 'secret-pw-123';
    url.pathname = `/never_${randomBytes(4).toString('hex')}`;
    const err = await openStateStore({ url: url.toString(), secretKey: 'k'.repeat(64) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STATE_STORE_UNAVAILABLE' });
    const message = (err as Error).message;
    expect(message).toContain('CREATE DATABASE');
    expect(message).toContain(`GRANT ALL ON`);
    expect(message).not.toContain('secret-pw-123');
  });
});
