/**
 * One run of a pipeline at a time: a lease row per pipeline, renewed while the run lives, released at
 * the end. An expired lease (its holder died) is taken over; a live one is broken only with
 * `--force`, and that is written to the audit table.
 */
import { hostname } from 'node:os';
import type { Knex } from 'knex';
import { LeaseHeldError, LeaseLostError, type LeaseHolderInfo } from '../errors.js';

const TABLE = 'sluice_leases';

export type LeaseHolder = LeaseHolderInfo;
export { LeaseHeldError };

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireLease(
  knex: Knex,
  pipeline: string,
  holder: string,
  ttlMs: number,
  force: boolean,
  now = new Date(),
): Promise<void> {
  const row = {
    pipeline,
    holder,
    host: hostname(),
    pid: process.pid,
    acquired_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ttlMs).toISOString(),
  };
  await knex.transaction(async (trx) => {
    const cur = (await trx(TABLE).where({ pipeline }).forUpdate().first()) as
      { holder: string; host: string | null; pid: number | null; acquired_at: string; expires_at: string } | undefined;
    if (cur) {
      const held: LeaseHolder = {
        holder: cur.holder,
        host: cur.host,
        pid: cur.pid,
        acquiredAt: cur.acquired_at,
        expiresAt: cur.expires_at,
      };
      // A holder on this host whose process is gone cannot be running: its lease is as good as expired.
      const live =
        cur.expires_at > row.acquired_at &&
        !(cur.host === row.host && cur.pid !== null && !processAlive(Number(cur.pid)));
      if (live && !force) throw new LeaseHeldError(pipeline, held);
      await trx('sluice_audit').insert({
        at: row.acquired_at,
        pipeline,
        action: live ? 'lease-broken' : 'lease-expired-taken',
        detail: JSON.stringify({ previous: held, by: { holder, host: row.host, pid: row.pid } }),
      });
      await trx(TABLE).where({ pipeline }).update(row);
    } else {
      await trx(TABLE).insert(row);
    }
  });
}

export async function renewLease(knex: Knex, pipeline: string, holder: string, ttlMs: number): Promise<boolean> {
  const n = await knex(TABLE)
    .where({ pipeline, holder })
    .update({ expires_at: new Date(Date.now() + ttlMs).toISOString() });
  return n === 1;
}

export async function releaseLease(knex: Knex, pipeline: string, holder: string): Promise<void> {
  await knex(TABLE).where({ pipeline, holder }).delete();
}

/**
 * Fencing: inside a commit transaction, checks that `holder` still holds the pipeline's lease and
 * locks the lease row until the transaction ends, so a --force break or a takeover waits for this
 * commit and every later commit of the old holder fails.
 */
export async function assertLeaseHeld(trx: Knex.Transaction, pipeline: string, holder: string): Promise<void> {
  const row = (await trx(TABLE).where({ pipeline }).forShare().first()) as
    { holder: string; host: string | null; pid: number | null } | undefined;
  if (row?.holder === holder) return;
  throw new LeaseLostError(
    pipeline,
    holder,
    row
      ? `it is now held by ${row.holder} (host ${row.host ?? '?'}, pid ${row.pid ?? '?'})`
      : 'no run holds it any more',
  );
}
