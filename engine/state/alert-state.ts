/**
 * Whether each alert condition of a pipeline is active, per alert rule: a notification goes out
 * when a condition changes, never again while it stays the same. The change is a compare-and-swap
 * on the stored state, so of several schedulers or runs that see the same change exactly one
 * notifies.
 */
import type { Knex } from 'knex';
import { isDuplicateKey } from './duplicate.js';

const TABLE = 'sluice_alert_state';

export const ALERT_CONDITIONS = ['failed', 'attention', 'stale'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];

interface Key {
  pipeline: string;
  rule: string;
  condition: AlertCondition;
}

interface Row extends Key {
  active: number | boolean;
}

const truthy = (v: number | boolean): boolean => v === true || v === 1;

/**
 * Records that the condition is now `active`; true when that is a change this caller must notify
 * about. A condition never seen before counts as inactive (a first healthy state notifies no one).
 */
export async function alertTransition(
  knex: Knex,
  key: Key,
  active: boolean,
  at: string,
  runId: string | undefined,
): Promise<boolean> {
  for (let round = 0; round < 4; round++) {
    const row = (await knex(TABLE).where(key).first()) as Row | undefined;
    if (!row) {
      if (await insertIfAbsent(knex, { ...key, active, changed_at: at, run_id: runId ?? null })) return active;
      continue; // another process inserted it first: compare with theirs
    }
    if (truthy(row.active) === active) return false;
    const n = await knex(TABLE)
      .where({ ...key, active: truthy(row.active) })
      .update({ active, changed_at: at, run_id: runId ?? null });
    if (n === 1) return true;
  }
  return false;
}

/** Undoes a transition whose notification could not be delivered, so the next evaluation tries again. */
export async function alertRevert(knex: Knex, key: Key, active: boolean, at: string): Promise<void> {
  await knex(TABLE)
    .where({ ...key, active })
    .update({ active: !active, changed_at: at });
}

export async function alertStates(knex: Knex, pipeline: string): Promise<(Key & { active: boolean })[]> {
  const rows = (await knex(TABLE).where({ pipeline }).orderBy(['rule', 'condition'])) as Row[];
  return rows.map((r) => ({ pipeline: r.pipeline, rule: r.rule, condition: r.condition, active: truthy(r.active) }));
}

async function insertIfAbsent(knex: Knex, row: Record<string, unknown>): Promise<boolean> {
  try {
    await knex(TABLE).insert(row);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
