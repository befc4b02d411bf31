/**
 * State store location: `SLUICE_STATE_URL`, either `sqlite:<path>` (embedded default:
 * `.sluice/state.db` under the working directory) or `mysql://user:pass@host:port/db` (MariaDB or
 * MySQL through mysql2, for several workers sharing one state).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Knex } from 'knex';
import { ConfigError } from '../errors.js';

export const DEFAULT_STATE_PATH = '.sluice/state.db';

export interface StateLocation {
  kind: 'sqlite' | 'mysql';
  /** Printable form with any password masked. */
  display: string;
  knexConfig: Knex.Config;
  /** For sqlite: the database file. */
  file?: string;
}

export function parseStateUrl(url: string | undefined, cwd = process.cwd()): StateLocation {
  const raw = url && url.trim() !== '' ? url.trim() : `sqlite:${DEFAULT_STATE_PATH}`;
  if (raw.startsWith('sqlite:')) {
    let path = raw.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new ConfigError('STATE_URL_INVALID', `state URL "${raw}" names no file; use sqlite:<path>`);
    const file = path === ':memory:' ? path : resolve(cwd, path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return {
      kind: 'sqlite',
      display: `sqlite:${file}`,
      file,
      knexConfig: {
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
            // busy_timeout first: switching a new file to WAL needs a lock another process may hold.
            conn.pragma('busy_timeout = 10000');
            conn.pragma('journal_mode = WAL');
            conn.pragma('synchronous = NORMAL');
            done(null, conn);
          },
        },
      },
    };
  }
  if (raw.startsWith('mysql://') || raw.startsWith('mariadb://')) {
    let parsed: URL;
    try {
      parsed = new URL(raw.replace(/^mariadb:/, 'mysql:'));
    } catch (cause) {
      throw new ConfigError('STATE_URL_INVALID', 'SLUICE_STATE_URL is not a valid mysql:// URL', { cause });
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (database === '')
      throw new ConfigError(
        'STATE_URL_INVALID',
        'SLUICE_STATE_URL names no database (mysql://user:pass@host:3306/<database>)',
      );
    const masked = new URL(parsed.toString());
    if (masked.password) masked.password = '***';
    return {
      kind: 'mysql',
      display: masked.toString(),
      knexConfig: {
        client: 'mysql2',
        connection: {
          host: parsed.hostname,
          port: parsed.port ? Number(parsed.port) : 3306,
          user: decodeURIComponent(parsed.username),
          password: decodeURIComponent(parsed.password),
          database,
          charset: 'utf8mb4',
          timezone: 'Z',
        },
        pool: { min: 0, max: 4 },
      },
    };
  }
  throw new ConfigError(
    'STATE_URL_INVALID',
    `unsupported state URL "${raw.replace(/:[^:@/]*@/, ':***@')}": use sqlite:<path> or mysql://user:pass@host:port/db`,
  );
}
