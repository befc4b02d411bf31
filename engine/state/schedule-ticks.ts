/**
 * Scheduled ticks, claimed once: the scheduler that inserts (pipeline, tick) runs that tick; every
 * other scheduler on the same pipelines finds the row taken and skips it. This is what keeps two
 * schedulers from running a pipeline twice for one tick when the first run has already finished
 * (and released its lease) by the time the second scheduler wakes up.
 */
import type { Knex } from 'knex';
import { isDuplicateKey } from './duplicate.js';

const TABLE = 'sluice_schedule_ticks';

/** True when `claimant` now owns the tick (it inserted the row, or had inserted it before). */
export async function claimTick(
  knex: Knex,
  pipeline: string,
  tick: string,
  claimant: string,
  at: string,
): Promise<boolean> {
  const row = { pipeline, tick, claimed_by: claimant, claimed_at: at };
  try {
    await knex(TABLE).insert(row);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const owner = (await knex(TABLE).where({ pipeline, tick }).first('claimed_by')) as { claimed_by: string } | undefined;
  return owner?.claimed_by === claimant;
}

/** Forgets ticks claimed before `before` (ISO time); returns how many. */
export async function pruneTicks(knex: Knex, before: string): Promise<number> {
  return knex(TABLE).where('claimed_at', '<', before).delete();
}
