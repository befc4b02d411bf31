/**
 * Hot-path statements on the embedded SQLite store, prepared once per connection and reused (knex
 * prepares every statement anew, which costs more than the statement itself on SQLite). Runs on
 * the connection of the surrounding knex transaction when there is one.
 */
import type { Knex } from 'knex';

interface Statement {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface Database {
  prepare(sql: string): Statement;
}

const cache = new WeakMap<Database, Map<string, Statement>>();

export function isSqlite(knex: Knex): boolean {
  return (knex.client as { config: { client: unknown } }).config.client === 'better-sqlite3';
}

export async function withSqlite<T>(knex: Knex, fn: (prepare: (sql: string) => Statement) => T): Promise<T> {
  const client = knex.client as {
    acquireConnection(): Promise<Database>;
    releaseConnection(c: Database): Promise<void>;
  };
  const db = await client.acquireConnection();
  try {
    let stmts = cache.get(db);
    if (!stmts) {
      stmts = new Map();
      cache.set(db, stmts);
    }
    const prepare = (sql: string): Statement => {
      let s = stmts!.get(sql);
      if (!s) {
        s = db.prepare(sql);
        stmts!.set(sql, s);
      }
      return s;
    };
    return fn(prepare);
  } finally {
    await client.releaseConnection(db);
  }
}
