/**
 * Test databases for the sql connector, one per backend: a SQLite file in a temp dir and a fresh
 * database on the shared throwaway MariaDB server (reached through a TCP proxy, so tests can cut
 * the connection). `admin` is a separate knex for setting up tables and checking rows.
 */
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createTestDatabase } from '../../../test/helpers/mysql.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import type { SqlConfig } from '../url.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface TestDatabase {
  kind: 'sqlite' | 'mysql';
  config: SqlConfig;
  /** The same database with a wrong password (mysql only). */
  badPasswordConfig?: SqlConfig;
  admin: Knex;
  proxy?: TcpProxy;
  /** SQLite file. */
  file?: string;
  cleanup(): Promise<void>;
}

export async function sqliteDatabase(): Promise<TestDatabase> {
  const file = join(tempDir('sluice-sql-'), 'test.db');
  const admin = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  await admin.raw('select 1');
  return {
    kind: 'sqlite',
    config: { url: `sqlite:${file}`, lockTimeoutMs: 300 },
    admin,
    file,
    cleanup: () => admin.destroy(),
  };
}

export async function mysqlDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('sql');
  const url = new URL(db.url);
  const proxy = await startTcpProxy(Number(url.port));
  const admin = knexFactory({
    client: 'mysql2',
    connection: {
      host: url.hostname,
      port: Number(url.port),
      user: url.username,
      password: decodeURIComponent(url.password),
      database: db.name,
      dateStrings: true,
    },
    pool: { min: 0, max: 2 },
  });
  const proxied = `mysql://${url.username}:${url.password}@127.0.0.1:${proxy.port}/${db.name}`;
  return {
    kind: 'mysql',
    config: { url: proxied, lockTimeoutMs: 1000, connectTimeoutMs: 3000 },
    badPasswordConfig: { url: `mysql://${url.username}:wrong-password@127.0.0.1:${proxy.port}/${db.name}` },
    admin,
    proxy,
    cleanup: async () => {
      await admin.destroy();
      await proxy.close();
      await db.drop();
    },
  };
}

export const BACKENDS = [
  { name: 'sqlite', create: sqliteDatabase },
  { name: 'mariadb', create: mysqlDatabase },
] as const;
