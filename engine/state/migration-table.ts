/**
 * The migration bookkeeping shared by both backends: `sluice_migrations` (applied migrations, in
 * knex's format), knex's lock table `sluice_migrations_lock` (kept for stores and versions that
 * used it), and what is pending under the lock.
 */
import type { Knex } from 'knex';
import { ConfigError, StateStoreLockedError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
}

export const MIGRATIONS_TABLE = 'sluice_migrations';
export const LEGACY_LOCK_TABLE = 'sluice_migrations_lock';
/** MySQL only: how far an unfinished migration got (one row per migration in progress). */
export const PROGRESS_TABLE = 'sluice_migrations_progress';

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export interface MigrateOptions {
  kind: 'sqlite' | 'mysql';
  /** The store, for messages (password masked). */
  display: string;
  /** SQLite: the database file, for messages. */
  file?: string;
  /** How long to wait for another process's migration (default 60 s). */
  lockTimeoutMs?: number;
  clock?: Clock;
  /** Default: the store's migrations. */
  migrations?: readonly Migration[];
}

export interface MigrateContext {
  kind: 'sqlite' | 'mysql';
  display: string;
  file: string | undefined;
  lockTimeoutMs: number;
  clock: Clock;
  migrations: readonly Migration[];
}

export interface MigrateResult {
  /** Migrations this call applied, in order. */
  applied: string[];
  /** MySQL: migrations an interrupted earlier attempt had started, resumed here, with the statement resumed at. */
  resumed: { name: string; atStatement: number }[];
}

export function isNoSuchTable(err: unknown): boolean {
  const e = err as { errno?: number; code?: string; message?: string };
  return e.errno === 1146 || e.code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(e.message ?? '');
}

export async function appliedNames(knex: Knex): Promise<Set<string>> {
  const rows = (await knex(MIGRATIONS_TABLE).select('name')) as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

export function refuseUnknown(names: Set<string>, ctx: MigrateContext): void {
  const known = new Set(ctx.migrations.map((m) => m.name));
  const unknown = [...names].filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new ConfigError(
      'STATE_STORE_TOO_NEW',
      `the state store ${ctx.display} was migrated by a newer sluice: it has migrations this version does not know (${unknown.join(', ')}). Upgrade sluice here; every process sharing a store must run that version or a newer one`,
    );
}

/** CREATE TABLE IF NOT EXISTS for a table knex creates in one statement (idempotent, safe without a lock). */
export async function createTableIfMissing(
  knex: Knex,
  table: string,
  build: (t: Knex.CreateTableBuilder) => void,
): Promise<void> {
  const [stmt, ...more] = knex.schema.createTable(table, build).toSQL();
  if (!stmt || more.length > 0) throw new Error(`bookkeeping table ${table} is expected to be one statement`);
  await knex.raw(stmt.sql.replace(/^create table /i, 'create table if not exists '));
}

/** knex's bookkeeping tables, with knex's own column definitions, when missing. */
export async function ensureBookkeeping(knex: Knex): Promise<void> {
  await createTableIfMissing(knex, MIGRATIONS_TABLE, (t) => {
    t.increments();
    t.string('name');
    t.integer('batch');
    t.timestamp('migration_time');
  });
  await createTableIfMissing(knex, LEGACY_LOCK_TABLE, (t) => {
    t.increments('index').primary();
    t.integer('is_locked');
  });
}

export interface PendingPlan {
  pending: Migration[];
  batch: number;
}

/**
 * Under the migration lock: which migrations to apply, in order, and their batch number. Refuses
 * when the store is newer than this code, and when migrations are pending while an older sluice's
 * knex lock row is set (it may be migrating right now: we cannot tell, so we do not race it).
 */
export async function planPending(knex: Knex, ctx: MigrateContext): Promise<PendingPlan> {
  const lockRows = (await knex(LEGACY_LOCK_TABLE).select('is_locked')) as { is_locked: number | null }[];
  if (lockRows.length === 0) await knex(LEGACY_LOCK_TABLE).insert({ is_locked: 0 });
  const names = await appliedNames(knex);
  refuseUnknown(names, ctx);
  const pending = ctx.migrations.filter((m) => !names.has(m.name));
  if (pending.length > 0 && lockRows.some((r) => Number(r.is_locked) === 1))
    throw new StateStoreLockedError(
      `the state store ${ctx.display} has migrations to apply (${pending.map((m) => m.name).join(', ')}), but an older sluice's migration lock is set (${LEGACY_LOCK_TABLE}.is_locked = 1): an older sluice version is migrating it right now, or crashed while migrating. If no older sluice is running, reset it with: sluice state unlock`,
      undefined,
      { retryable: false },
    );
  const [{ max } = { max: 0 }] = (await knex(MIGRATIONS_TABLE).max('batch as max')) as { max: number | null }[];
  return { pending, batch: Number(max ?? 0) + 1 };
}

export async function recordApplied(knex: Knex, name: string, batch: number, clock: Clock): Promise<void> {
  await knex(MIGRATIONS_TABLE).insert({ name, batch, migration_time: new Date(clock.now()) });
}
