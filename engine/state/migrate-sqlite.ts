/**
 * Migrations on SQLite: one write transaction around reading and applying them. Its first statement
 * writes, so it holds SQLite's write lock before it reads anything (what BEGIN IMMEDIATE does; knex
 * opens transactions with a plain BEGIN). DDL is transactional in SQLite: a process that dies
 * halfway leaves nothing behind, its transaction rolls back.
 *
 * Waiting for another process's lock is done here, not in SQLite's busy handler: better-sqlite3
 * waits synchronously, which would stall this process's event loop, and with it any other store
 * this process has open that holds the lock (several stores opened at once in one process).
 */
import type { Knex } from 'knex';
import { SluiceError, StateStoreLockedError } from '../errors.js';
import {
  LEGACY_LOCK_TABLE,
  ensureBookkeeping,
  planPending,
  recordApplied,
  type MigrateContext,
  type MigrateResult,
} from './migration-table.js';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export async function migrate(knex: Knex, ctx: MigrateContext): Promise<MigrateResult> {
  const [setting] = (await knex.raw('PRAGMA busy_timeout')) as { timeout: number }[];
  const busyTimeout = Math.trunc(Number(setting?.timeout ?? 0));
  const deadline = ctx.clock.now() + ctx.lockTimeoutMs;
  // The store's SQLite pool has exactly one connection, so this applies to every statement below.
  await knex.raw('PRAGMA busy_timeout = 0');
  try {
    for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
      try {
        return await attempt(knex, ctx);
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (ctx.clock.now() >= deadline)
          throw new StateStoreLockedError(
            `the state store ${ctx.display} stayed locked by another process for ${Math.round(ctx.lockTimeoutMs / 1000)}s while this one waited to check its migrations: another sluice is migrating it or holds a long write transaction. SQLite rolls back the transaction of a process that died, so the holder is alive: find it with \`fuser ${ctx.file ?? '<file>'}\` (or lsof), let it finish or stop it, then retry`,
            undefined,
            { cause: err },
          );
        await ctx.clock.sleep(wait);
      }
    }
  } finally {
    await knex.raw(`PRAGMA busy_timeout = ${busyTimeout}`);
  }
}

async function attempt(knex: Knex, ctx: MigrateContext): Promise<MigrateResult> {
  await ensureBookkeeping(knex);
  return knex.transaction(async (trx) => {
    // A write first: the transaction holds the write lock from here on, before it reads anything.
    await trx(LEGACY_LOCK_TABLE)
      .update({ is_locked: trx.raw('is_locked') })
      .whereRaw('0 = 1');
    const { pending, batch } = await planPending(trx, ctx);
    for (const m of pending) {
      try {
        await m.up(trx);
      } catch (cause) {
        if (isBusy(cause)) throw cause;
        throw new SluiceError(
          'STATE_STORE_MIGRATION_FAILED',
          `migration ${m.name} of the state store ${ctx.display} failed: ${(cause as Error).message}. Nothing of it was applied (SQLite rolls the whole transaction back)`,
          { cause },
        );
      }
      await recordApplied(trx, m.name, batch, ctx.clock);
    }
    return { applied: pending.map((m) => m.name), resumed: [] };
  });
}
