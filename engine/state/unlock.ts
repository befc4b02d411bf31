/**
 * `sluice state unlock`: clears what a crashed process can leave locked in a state store, without
 * migrating it (a store that cannot be opened is why this exists):
 * - the lock row of knex's migrator (`sluice_migrations_lock.is_locked = 1`), left by an older
 *   sluice that crashed while migrating: reset;
 * - MySQL/MariaDB: the connection holding the migration lock (a hung process; a dead one's lock is
 *   released by the server): reported, and killed with `kill` (needs the privilege to);
 * - MySQL/MariaDB: a migration an earlier process did not finish (reported; the next open resumes it);
 * - SQLite: whether a process holds the file's write lock (reported: SQLite rolls back a dead
 *   process's transaction, so the holder is alive, and sluice cannot end it).
 * Every change is written to the audit table (pipeline `(store)`).
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import knexFactory, { type Knex } from 'knex';
import { ConfigError, type StoreLockHolder } from '../errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { LEGACY_LOCK_TABLE, PROGRESS_TABLE } from './migration-table.js';
import { currentDatabase, lockHolder, migrationLockName } from './mysql-lock.js';
import { thisHost } from './process.js';
import { parseStateUrl } from './url.js';

/** The `pipeline` of audit rows about the store itself. */
export const STORE_AUDIT_SCOPE = '(store)';

export interface UnlockOptions {
  url?: string;
  cwd?: string;
  /** MySQL: kill the connection holding the migration lock. */
  kill?: boolean;
  clock?: Clock;
}

export type UnlockFinding =
  | { kind: 'legacy-reset'; rows: number }
  | { kind: 'legacy-clear' }
  | { kind: 'lock-free'; lock: string }
  | { kind: 'lock-held'; holder: StoreLockHolder }
  | { kind: 'lock-killed'; holder: StoreLockHolder }
  | { kind: 'kill-refused'; holder: StoreLockHolder; error: string }
  | { kind: 'migration-interrupted'; name: string; step: number; startedAt: string; owner: string | null }
  | { kind: 'sqlite-free'; file: string }
  | { kind: 'sqlite-busy'; file: string };

export interface UnlockReport {
  store: string;
  findings: UnlockFinding[];
  /** Whether a lock is still held when the command ends. */
  stillLocked: boolean;
  /** False when there were changes but no audit table yet (a store never fully migrated). */
  audited: boolean;
}

const MYSQL_KILL_DENIED = 1095;

export async function unlockStateStore(options: UnlockOptions = {}): Promise<UnlockReport> {
  const location = parseStateUrl(options.url ?? process.env.SLUICE_STATE_URL, options.cwd);
  const clock = options.clock ?? systemClock;
  if (location.kind === 'sqlite' && location.file !== ':memory:' && !existsSync(location.file ?? ''))
    throw new ConfigError('STATE_STORE_UNAVAILABLE', `there is no state store at ${location.display}`);
  const knex = knexFactory(location.knexConfig);
  const report: UnlockReport = { store: location.display, findings: [], stillLocked: false, audited: true };
  const audit = async (action: string, detail: Record<string, unknown>): Promise<void> => {
    if (!(await knex.schema.hasTable('sluice_audit'))) {
      report.audited = false;
      return;
    }
    await knex('sluice_audit').insert({
      at: new Date(clock.now()).toISOString(),
      pipeline: STORE_AUDIT_SCOPE,
      action,
      detail: JSON.stringify({ ...detail, by: { host: thisHost(), pid: process.pid, user: userInfo().username } }),
    });
  };
  try {
    // SQLite first: with another process holding the write lock, nothing here can be changed.
    if (location.kind === 'sqlite' && !(await sqliteFree(knex, location.file ?? '?', report))) return report;
    if (await knex.schema.hasTable(LEGACY_LOCK_TABLE)) {
      const rows = await knex(LEGACY_LOCK_TABLE).where({ is_locked: 1 }).update({ is_locked: 0 });
      if (rows > 0) {
        report.findings.push({ kind: 'legacy-reset', rows });
        await audit('migration-lock-reset', { table: LEGACY_LOCK_TABLE, rows });
      } else report.findings.push({ kind: 'legacy-clear' });
    }
    if (location.kind === 'mysql') await mysqlLock(knex, options.kill === true, report, audit);
  } finally {
    await knex.destroy();
  }
  return report;
}

async function mysqlLock(
  knex: Knex,
  kill: boolean,
  report: UnlockReport,
  audit: (action: string, detail: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const lock = migrationLockName(await currentDatabase(knex));
  const holder = await lockHolder(knex, lock);
  if (!holder) report.findings.push({ kind: 'lock-free', lock });
  else if (!kill) {
    report.findings.push({ kind: 'lock-held', holder });
    report.stillLocked = true;
  } else {
    try {
      await knex.raw(`KILL CONNECTION ${Number(holder.connectionId)}`);
      report.findings.push({ kind: 'lock-killed', holder });
      await audit('migration-lock-killed', { lock, holder });
    } catch (err) {
      if ((err as { errno?: number }).errno !== MYSQL_KILL_DENIED) throw err;
      report.findings.push({ kind: 'kill-refused', holder, error: (err as Error).message });
      report.stillLocked = true;
      await audit('migration-lock-kill-refused', { lock, holder, error: (err as Error).message });
    }
  }
  if (await knex.schema.hasTable(PROGRESS_TABLE)) {
    const rows = (await knex(PROGRESS_TABLE).select('*').orderBy('name')) as {
      name: string;
      step: number | string;
      started_at: string;
      owner: string | null;
    }[];
    for (const r of rows)
      report.findings.push({
        kind: 'migration-interrupted',
        name: r.name,
        step: Number(r.step),
        startedAt: r.started_at,
        owner: r.owner,
      });
  }
}

/** Whether SQLite's write lock is free (waiting a second for it); reports either way. */
async function sqliteFree(knex: Knex, file: string, report: UnlockReport): Promise<boolean> {
  // The pool has one connection: the pragma and the probe run on it.
  await knex.raw('PRAGMA busy_timeout = 1000');
  try {
    await knex.raw('BEGIN IMMEDIATE');
  } catch (err) {
    if (!String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw err;
    report.findings.push({ kind: 'sqlite-busy', file });
    report.stillLocked = true;
    return false;
  }
  await knex.raw('ROLLBACK');
  report.findings.push({ kind: 'sqlite-free', file });
  return true;
}
