/**
 * A MariaDB/MySQL state store whose database does not exist yet is created (utf8mb4, binary
 * collation: keys compare exactly), when the user may; otherwise the error says what to run.
 */
import knexFactory, { type Knex } from 'knex';
import { ConfigError } from '../errors.js';

/**
 * True for the server's "unknown database" answer (ER_BAD_DB_ERROR, 1049) and for "access denied to
 * database" (1044), which is what MariaDB tells a user without rights whether or not it exists.
 */
export function isUnknownDatabase(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | null;
  return (
    e?.code === 'ER_BAD_DB_ERROR' || e?.errno === 1049 || e?.code === 'ER_DBACCESS_DENIED_ERROR' || e?.errno === 1044
  );
}

export async function createDatabase(config: Knex.Config, display: string): Promise<void> {
  const connection = { ...(config.connection as Record<string, unknown>) };
  const database = String(connection.database);
  delete connection.database;
  const admin = knexFactory({ ...config, connection, pool: { min: 0, max: 1 } });
  const quoted = `\`${database.replace(/`/g, '``')}\``;
  try {
    await admin.raw(`CREATE DATABASE IF NOT EXISTS ${quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (cause) {
    throw new ConfigError(
      'STATE_STORE_UNAVAILABLE',
      `the state store database ${database} does not exist on ${display} (or this user may not use it) ` +
        `and cannot be created by this user (${(cause as Error).message}); ask a database administrator to run: ` +
        `CREATE DATABASE ${quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; GRANT ALL ON ${quoted}.* TO '${String(connection.user)}'@'%';`,
      { cause },
    );
  } finally {
    await admin.destroy();
  }
}
