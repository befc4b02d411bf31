/** Per-test-file databases on the shared throwaway MariaDB server. */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { inject } from 'vitest';

/** Creates a fresh database and returns its mysql:// URL plus a drop function. */
export async function createTestDatabase(
  prefix = 't',
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const base = inject('mysqlUrl');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const conn = await mysql.createConnection(base);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await conn.end();
  return {
    url: `${base}${name}`,
    name,
    drop: async () => {
      const c = await mysql.createConnection(base);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
