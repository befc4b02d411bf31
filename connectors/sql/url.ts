/**
 * Connection URLs of the sql connector: `sqlite:<path>` or `mysql://user:password@host:port/db`
 * (`mariadb://` too), turned into a knex config. The password may also come from the `password`
 * field; it is never part of what gets printed (`display`).
 */
import { resolve } from 'node:path';
import type { Knex } from 'knex';
import { ConfigError } from '../../engine/errors.js';

import type { SqlConfig } from './config.generated.js';

export type { SqlConfig } from './config.generated.js';

export interface SqlLocation {
  kind: 'sqlite' | 'mysql';
  /** Printable form, password masked. */
  display: string;
  /** SQLite database file (absolute), or ":memory:". */
  file?: string;
  knexConfig: Knex.Config;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a raw password with a stray '%' (from ${env:}) is taken as is
  }
}

type Done = (err: Error | null, conn: unknown) => void;

function sqlite(raw: string, config: SqlConfig, baseDir: string): SqlLocation {
  let path = raw.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new ConfigError('SQL_URL_INVALID', 'sqlite URL names no file: use sqlite:<path>');
  const file = path === ':memory:' ? path : resolve(baseDir, path);
  const busy = config.lockTimeoutMs ?? 10_000;
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
        afterCreate: (conn: { pragma(s: string): unknown }, done: Done) => {
          conn.pragma(`busy_timeout = ${Math.trunc(busy)}`);
          done(null, conn);
        },
      },
    },
  };
}

/** Splits mysql://user:pass@host:port/db at the last '@', so a raw password may hold '@', ':' or '/'. */
function mysql(raw: string, config: SqlConfig): SqlLocation {
  const rest = raw.replace(/^(mysql|mariadb):\/\//, '');
  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? '' : rest.slice(0, at);
  const hostpart = at === -1 ? rest : rest.slice(at + 1);
  const colon = userinfo.indexOf(':');
  const user = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const urlPassword = colon === -1 ? undefined : decode(userinfo.slice(colon + 1));
  const m = /^(\[[^\]]+\]|[^:/?]+)(?::(\d+))?\/([^?]+)(?:\?.*)?$/.exec(hostpart);
  if (!m)
    throw new ConfigError(
      'SQL_URL_INVALID',
      `invalid MySQL URL: expected mysql://user:password@host:port/database (got ...@${hostpart})`,
    );
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : 3306;
  const database = decode(m[3]!);
  const lockSeconds = Math.max(1, Math.ceil((config.lockTimeoutMs ?? 10_000) / 1000));
  return {
    kind: 'mysql',
    display: `mysql://${user}${urlPassword !== undefined || config.password ? ':***' : ''}@${m[1]}:${port}/${database}`,
    knexConfig: {
      client: 'mysql2',
      connection: {
        host,
        port,
        user,
        password: config.password ?? urlPassword,
        database,
        charset: 'utf8mb4',
        timezone: 'Z',
        dateStrings: true,
        supportBigNumbers: true,
        connectTimeout: config.connectTimeoutMs ?? 10_000,
      },
      pool: {
        min: config.pool?.min ?? 0,
        max: config.pool?.max ?? 4,
        afterCreate: (
          conn: { query(sql: string, values: unknown[], cb: (err: Error | null) => void): void },
          done: Done,
        ) => {
          conn.query('SET SESSION innodb_lock_wait_timeout = ?', [lockSeconds], (err) => done(err, conn));
        },
      },
      acquireConnectionTimeout: config.connectTimeoutMs ?? 10_000,
    },
  };
}

export function parseSqlUrl(config: SqlConfig, baseDir: string): SqlLocation {
  const raw = config.url.trim();
  if (raw.startsWith('sqlite:')) return sqlite(raw, config, baseDir);
  if (/^(mysql|mariadb):\/\//.test(raw)) return mysql(raw, config);
  throw new ConfigError(
    'SQL_URL_INVALID',
    'unsupported sql URL: use sqlite:<path> or mysql://user:password@host:port/database',
  );
}
