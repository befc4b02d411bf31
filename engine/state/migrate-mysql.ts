/**
 * Migrations on MySQL/MariaDB: GET_LOCK('sluice_migrate:<database>') on one dedicated connection
 * (a knex transaction pins it; every migration statement runs on it) around reading and applying
 * migrations. The server releases the lock when the connection ends, so a process that dies never
 * leaves it behind. A process that waits longer than the timeout fails with STATE_STORE_LOCKED
 * naming the connection that holds it.
 *
 * DDL is not transactional here: each migration's progress (statements completed) is recorded in
 * `sluice_migrations_progress` as it goes, and a migration an earlier process did not finish is
 * resumed after its last completed statement (resumable-schema.ts).
 */
import type { Knex } from 'knex';
import { SluiceError, StateStoreLockedError } from '../errors.js';
import { thisHost } from './process.js';
import { currentDatabase, describeHolder, lockHolder, migrationLockName } from './mysql-lock.js';
import {
  PROGRESS_TABLE,
  createTableIfMissing,
  ensureBookkeeping,
  planPending,
  recordApplied,
  type MigrateContext,
  type MigrateResult,
  type Migration,
} from './migration-table.js';
import { StatementRunner } from './resumable-schema.js';

interface ProgressRow {
  name: string;
  step: number | string;
  started_at: string;
  owner: string | null;
}

export async function migrate(knex: Knex, ctx: MigrateContext): Promise<MigrateResult> {
  // READ COMMITTED: every read under the lock sees what the previous lock holder committed.
  const trx = await knex.transaction({ isolationLevel: 'read committed' });
  try {
    const result = await withLock(trx, ctx);
    await trx.commit();
    return result;
  } catch (err) {
    // The error is what matters: on a connection that died, the rollback fails too (and the lock went with it).
    await trx.rollback().catch(() => undefined);
    throw err;
  }
}

async function withLock(trx: Knex.Transaction, ctx: MigrateContext): Promise<MigrateResult> {
  const seconds = Math.max(0, Math.ceil(ctx.lockTimeoutMs / 1000));
  const lock = migrationLockName(await currentDatabase(trx));
  const [[got]] = (await trx.raw('SELECT GET_LOCK(?, ?) AS got, CONNECTION_ID() AS me', [lock, seconds])) as [
    { got: number | string | null; me: number | string }[],
  ];
  if (got?.got === null || got?.got === undefined)
    throw new SluiceError(
      'STATE_STORE_UNAVAILABLE',
      `the state store ${ctx.display}: GET_LOCK('${lock}') failed (the connection was killed while waiting?)`,
      { retryable: true },
    );
  if (Number(got.got) !== 1) throw await lockedError(trx, lock, seconds, ctx);
  let result: MigrateResult;
  try {
    result = await underLock(trx, ctx, Number(got.me));
  } catch (err) {
    await trx.raw('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined); // as above
    throw err;
  }
  await trx.raw('SELECT RELEASE_LOCK(?)', [lock]);
  return result;
}

async function lockedError(
  trx: Knex,
  lock: string,
  seconds: number,
  ctx: MigrateContext,
): Promise<StateStoreLockedError> {
  let holder;
  let lookupFailed: unknown;
  try {
    holder = await lockHolder(trx, lock);
  } catch (err) {
    lookupFailed = err;
  }
  const who = holder
    ? describeHolder(holder)
    : lookupFailed
      ? `a connection (looking it up failed: ${(lookupFailed as Error).message})`
      : 'a connection that released it just now';
  return new StateStoreLockedError(
    `the state store ${ctx.display} is being migrated by another process: ${who} holds the migration lock ${lock} and did not release it within ${seconds}s. Wait for it and retry. If no sluice is migrating this store (a hung process), stop that process, or run: sluice state unlock --kill (needs the privilege to kill that connection)`,
    holder,
    lookupFailed === undefined ? {} : { cause: lookupFailed },
  );
}

async function underLock(trx: Knex, ctx: MigrateContext, connectionId: number): Promise<MigrateResult> {
  await ensureBookkeeping(trx);
  await createTableIfMissing(trx, PROGRESS_TABLE, (t) => {
    t.string('name', 255).primary();
    t.integer('step').notNullable();
    t.string('started_at', 32).notNullable();
    t.text('owner');
  });
  const { pending, batch } = await planPending(trx, ctx);
  // Progress of migrations that are recorded as applied (a process died between the two writes).
  await trx(PROGRESS_TABLE)
    .whereNotIn(
      'name',
      pending.map((m) => m.name),
    )
    .delete();
  const progress = new Map(((await trx(PROGRESS_TABLE).select('*')) as ProgressRow[]).map((r) => [r.name, r]));
  const result: MigrateResult = { applied: [], resumed: [] };
  const owner = JSON.stringify({ connectionId, host: thisHost(), pid: process.pid });
  for (const m of pending) {
    const prev = progress.get(m.name);
    if (prev) await trx(PROGRESS_TABLE).where({ name: m.name }).update({ owner });
    else
      await trx(PROGRESS_TABLE).insert({
        name: m.name,
        step: 0,
        started_at: new Date(ctx.clock.now()).toISOString(),
        owner,
      });
    const resumeFrom = prev ? Number(prev.step) : 0;
    const runner = new StatementRunner(trx, resumeFrom, prev !== undefined, async (count) => {
      await trx(PROGRESS_TABLE).where({ name: m.name }).update({ step: count });
    });
    try {
      await m.up(runner.knex());
    } catch (cause) {
      throw failed(m, runner, cause, ctx);
    }
    if (runner.next < resumeFrom)
      throw new SluiceError(
        'STATE_STORE_MIGRATION_FAILED',
        `migration ${m.name} of the state store ${ctx.display} was interrupted after statement ${resumeFrom} (${prev?.started_at}, ${prev?.owner}), but this version of it has only ${runner.next} statements: it cannot be resumed safely. Compare the tables with the migration in engine/state/migrations.ts, complete it by hand, then delete its row from ${PROGRESS_TABLE}`,
      );
    await recordApplied(trx, m.name, batch, ctx.clock);
    await trx(PROGRESS_TABLE).where({ name: m.name }).delete();
    result.applied.push(m.name);
    if (prev) result.resumed.push({ name: m.name, atStatement: resumeFrom + 1 });
  }
  return result;
}

function failed(m: Migration, runner: StatementRunner, cause: unknown, ctx: MigrateContext): SluiceError {
  const at = runner.current;
  const message = (cause as Error).message ?? String(cause);
  const where = at
    ? ` at statement ${at.index + 1} (${at.sql.length > 100 ? `${at.sql.slice(0, 97)}...` : at.sql})`
    : '';
  const done = at ? at.index : runner.next;
  return new SluiceError(
    'STATE_STORE_MIGRATION_FAILED',
    `migration ${m.name} of the state store ${ctx.display} failed${where}: ${message}. MySQL applies schema statements one at a time, without a transaction: the ${done} statement(s) before it are applied and recorded in ${PROGRESS_TABLE}, and the next open of the store resumes at statement ${done + 1}`,
    { cause, retryable: true },
  );
}
