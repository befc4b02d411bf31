/**
 * One run of a pipeline at a time: a lease row per pipeline, renewed while the run lives, released at
 * the end. An expired lease, or one whose holder's process is gone from this host, is taken over; a
 * live one is broken only with `--force`. Both are written to the audit table.
 *
 * Acquisition is safe when several processes race for a pipeline that has no lease row yet: each
 * first inserts its own row (autocommit; a duplicate means another one got there first, never a
 * locking read on a missing row, which takes a gap lock on MariaDB and deadlocks two inserters),
 * then reads the row back. Exactly one insert wins; every other process sees the winner and gets
 * LeaseHeldError naming it. A takeover is a compare-and-swap on the row it read, so two processes
 * taking over the same dead lease cannot both win either.
 */
import type { Knex } from 'knex';
import { LeaseHeldError, LeaseLostError, SluiceError, type LeaseHolderInfo } from '../errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { processGone, thisHost } from './process.js';
import { isSqlite, withSqlite } from './sqlite-fast.js';

const TABLE = 'sluice_leases';
/** Rounds of insert / read / take over before giving up on a lease that changes hands under us. */
const ROUNDS = 8;

export type LeaseHolder = LeaseHolderInfo;
export { LeaseHeldError };

interface LeaseRow {
  pipeline: string;
  holder: string;
  host: string | null;
  pid: number | null;
  acquired_at: string;
  expires_at: string;
}

type Takeover = 'expired' | 'process-gone' | 'forced';

export async function acquireLease(
  knex: Knex,
  pipeline: string,
  holder: string,
  ttlMs: number,
  force: boolean,
  clock: Clock = systemClock,
): Promise<void> {
  let seen: LeaseRow | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const now = clock.now();
    const mine: LeaseRow = {
      pipeline,
      holder,
      host: thisHost(),
      pid: process.pid,
      acquired_at: new Date(now).toISOString(),
      expires_at: new Date(now + ttlMs).toISOString(),
    };
    await insertIfAbsent(knex, mine, clock);
    const cur = await readLease(knex, pipeline);
    if (!cur) continue; // released between our insert and our read: try again
    seen = cur;
    if (cur.holder === holder) return;
    const why = takeoverReason(cur, mine.acquired_at, force);
    if (!why) throw new LeaseHeldError(pipeline, holderInfo(cur));
    if (await takeOver(knex, cur, mine, why)) return;
    // Renewed, released or taken over by someone else since we read it: look again.
  }
  if (seen) throw new LeaseHeldError(pipeline, holderInfo((await readLease(knex, pipeline)) ?? seen));
  throw new SluiceError(
    'LEASE_HELD',
    `the lease of pipeline "${pipeline}" changed hands ${ROUNDS} times while this run tried to take it; try again`,
    { retryable: true },
  );
}

/** Extends this run's lease; false when it no longer holds it (taken over, broken or released). */
export async function renewLease(
  knex: Knex,
  pipeline: string,
  holder: string,
  ttlMs: number,
  clock: Clock = systemClock,
): Promise<boolean> {
  const n = await knex(TABLE)
    .where({ pipeline, holder })
    .update({ expires_at: new Date(clock.now() + ttlMs).toISOString() });
  return n === 1;
}

export async function releaseLease(knex: Knex, pipeline: string, holder: string): Promise<void> {
  await knex(TABLE).where({ pipeline, holder }).delete();
}

/** The run holding a pipeline's lease, if any (expired or not). */
export async function leaseHolder(knex: Knex, pipeline: string): Promise<LeaseHolder | undefined> {
  const row = await readLease(knex, pipeline);
  return row && holderInfo(row);
}

/**
 * Fencing: inside a commit transaction, checks that `holder` still holds the pipeline's lease and
 * locks the lease row until the transaction ends, so a --force break or a takeover waits for this
 * commit and every later commit of the old holder fails.
 */
export async function assertLeaseHeld(trx: Knex.Transaction, pipeline: string, holder: string): Promise<void> {
  // SQLite: one prepared statement, run on the transaction's connection (this runs for every commit).
  const row = (
    isSqlite(trx)
      ? await withSqlite(
          trx,
          (prepare) => prepare(`SELECT holder, host, pid FROM ${TABLE} WHERE pipeline = ?`).all(pipeline)[0],
        )
      : await trx(TABLE).where({ pipeline }).forShare().first()
  ) as { holder: string; host: string | null; pid: number | null } | undefined;
  if (row?.holder === holder) return;
  throw new LeaseLostError(
    pipeline,
    holder,
    row
      ? `it is now held by ${row.holder} (host ${row.host ?? '?'}, pid ${row.pid ?? '?'})`
      : 'no run holds it any more',
  );
}

function takeoverReason(cur: LeaseRow, now: string, force: boolean): Takeover | undefined {
  if (cur.expires_at <= now) return 'expired';
  // A holder on this host whose process is gone cannot be running: its lease is as good as expired.
  if (processGone(cur.host, cur.pid)) return 'process-gone';
  return force ? 'forced' : undefined;
}

function holderInfo(row: LeaseRow): LeaseHolder {
  return {
    holder: row.holder,
    host: row.host,
    pid: row.pid === null ? null : Number(row.pid),
    acquiredAt: row.acquired_at,
    expiresAt: row.expires_at,
  };
}

async function readLease(knex: Knex, pipeline: string): Promise<LeaseRow | undefined> {
  return (await knex(TABLE).where({ pipeline }).first()) as LeaseRow | undefined;
}

const MYSQL_DUPLICATE = 1062;
const MYSQL_DEADLOCK = 1213;
const MYSQL_LOCK_WAIT_TIMEOUT = 1205;

/** Inserts `row` unless the pipeline already has a lease row (then the existing one stays as it is). */
async function insertIfAbsent(knex: Knex, row: LeaseRow, clock: Clock): Promise<void> {
  const sqlite = isSqlite(knex);
  for (let attempt = 1; ; attempt++) {
    try {
      const insert = knex(TABLE).insert(row);
      await (sqlite ? insert.onConflict('pipeline').ignore() : insert);
      return;
    } catch (err) {
      const errno = (err as { errno?: number }).errno;
      // A plain INSERT that meets a duplicate only waits for a shared lock on the existing key, so
      // it cannot deadlock; the retry is for what InnoDB may still report under contention.
      if (!sqlite && errno === MYSQL_DUPLICATE) return;
      if (sqlite || (errno !== MYSQL_DEADLOCK && errno !== MYSQL_LOCK_WAIT_TIMEOUT) || attempt >= 5) throw err;
      await clock.sleep(attempt * 10);
    }
  }
}

/** Replaces the lease row `cur` (exactly as it was read) with `mine`, audited; false when it changed since. */
async function takeOver(knex: Knex, cur: LeaseRow, mine: LeaseRow, why: Takeover): Promise<boolean> {
  const audit = {
    at: mine.acquired_at,
    pipeline: cur.pipeline,
    action: why === 'forced' ? 'lease-broken' : 'lease-expired-taken',
    detail: JSON.stringify({
      reason: why,
      previous: holderInfo(cur),
      by: { holder: mine.holder, host: mine.host, pid: mine.pid },
    }),
  };
  const set = {
    holder: mine.holder,
    host: mine.host,
    pid: mine.pid,
    acquired_at: mine.acquired_at,
    expires_at: mine.expires_at,
  };
  if (isSqlite(knex)) return takeOverSqlite(knex, cur, set, audit);
  return knex.transaction(async (trx) => {
    const n = await trx(TABLE)
      .where({ pipeline: cur.pipeline, holder: cur.holder, acquired_at: cur.acquired_at, expires_at: cur.expires_at })
      .update(set);
    if (n !== 1) return false;
    await trx('sluice_audit').insert(audit);
    return true;
  });
}

/**
 * The same on SQLite, as one synchronous write transaction: it never holds SQLite's write lock
 * across an await, where another store in this process could be waiting for it synchronously.
 */
function takeOverSqlite(
  knex: Knex,
  cur: LeaseRow,
  set: Omit<LeaseRow, 'pipeline'>,
  audit: { at: string; pipeline: string; action: string; detail: string },
): Promise<boolean> {
  return withSqlite(knex, (prepare) => {
    prepare('BEGIN IMMEDIATE').run();
    try {
      const { changes } = prepare(
        `UPDATE ${TABLE} SET holder = ?, host = ?, pid = ?, acquired_at = ?, expires_at = ?
         WHERE pipeline = ? AND holder = ? AND acquired_at = ? AND expires_at = ?`,
      ).run(
        set.holder,
        set.host,
        set.pid,
        set.acquired_at,
        set.expires_at,
        cur.pipeline,
        cur.holder,
        cur.acquired_at,
        cur.expires_at,
      ) as { changes: number };
      if (changes !== 1) {
        prepare('ROLLBACK').run();
        return false;
      }
      prepare('INSERT INTO sluice_audit (at, pipeline, action, detail) VALUES (?, ?, ?, ?)').run(
        audit.at,
        audit.pipeline,
        audit.action,
        audit.detail,
      );
      prepare('COMMIT').run();
      return true;
    } catch (err) {
      prepare('ROLLBACK').run();
      throw err;
    }
  });
}
