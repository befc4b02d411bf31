/**
 * Applies the state store's migrations (migrations.ts) when a store is opened, safely when many
 * processes open a new store at once, and without leaving a lock behind when one of them dies:
 * - MySQL/MariaDB: a named lock (GET_LOCK) on one dedicated connection around reading and applying
 *   migrations; the server releases it when the connection ends. DDL is not transactional there,
 *   so each schema statement's completion is recorded and an interrupted migration resumes where it
 *   stopped (migrate-mysql.ts).
 * - SQLite: one write transaction taken before anything is read (as BEGIN IMMEDIATE); DDL is
 *   transactional, and a crashed process's transaction rolls back (migrate-sqlite.ts).
 *
 * Applied migrations are recorded in `sluice_migrations` (id, name, batch, migration_time), the
 * format knex's migrator used, so stores created by earlier versions are not migrated again. Its
 * lock table `sluice_migrations_lock` is kept: a lock row an older version left set while
 * migrations are pending is reported (`sluice state unlock` resets it), never silently ignored.
 */
import type { Knex } from 'knex';
import { systemClock } from '../runtime/clock.js';
import { migrate as migrateMysql } from './migrate-mysql.js';
import { migrate as migrateSqlite } from './migrate-sqlite.js';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  appliedNames,
  isNoSuchTable,
  refuseUnknown,
  type MigrateContext,
  type MigrateOptions,
  type MigrateResult,
} from './migration-table.js';
import { MIGRATIONS } from './migrations.js';

export type { Migration, MigrateOptions, MigrateResult } from './migration-table.js';

export async function migrateStore(knex: Knex, options: MigrateOptions): Promise<MigrateResult> {
  const ctx: MigrateContext = {
    kind: options.kind,
    display: options.display,
    file: options.file,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    clock: options.clock ?? systemClock,
    migrations: options.migrations ?? MIGRATIONS,
  };
  // Reopening an up-to-date store (every run) needs no lock.
  if (await upToDate(knex, ctx)) return { applied: [], resumed: [] };
  return ctx.kind === 'sqlite' ? migrateSqlite(knex, ctx) : migrateMysql(knex, ctx);
}

async function upToDate(knex: Knex, ctx: MigrateContext): Promise<boolean> {
  let names: Set<string>;
  try {
    names = await appliedNames(knex);
  } catch (err) {
    if (isNoSuchTable(err)) return false;
    throw err;
  }
  refuseUnknown(names, ctx);
  return ctx.migrations.every((m) => names.has(m.name));
}
