/**
 * The named lock that serialises migrations of one MySQL/MariaDB state store, and who holds it.
 * A named lock belongs to a connection: the server releases it when that connection ends, so a
 * crashed or killed process never leaves it behind.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { StoreLockHolder } from '../errors.js';

/** MySQL limits lock names to 64 characters. */
const MAX_LOCK_NAME = 64;

/**
 * `sluice_migrate:<database>`: named locks are server-wide, so the database is part of the name (two
 * stores on one server migrate independently, and `state unlock --kill` never ends another store's
 * migration). Long database names are shortened to a hash.
 */
export function migrationLockName(database: string): string {
  const name = `sluice_migrate:${database}`;
  if (name.length <= MAX_LOCK_NAME) return name;
  return `sluice_migrate:${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

async function rows<T>(knex: Knex, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const result = (await knex.raw(sql, bindings as Knex.RawBinding[])) as [T[], unknown];
  return result[0];
}

export async function currentDatabase(knex: Knex): Promise<string> {
  const [row] = await rows<{ db: string | null }>(knex, 'SELECT DATABASE() AS db');
  return row?.db ?? '';
}

/** The connection holding `lock`, with what the processlist shows of it; undefined when the lock is free. */
export async function lockHolder(knex: Knex, lock: string): Promise<StoreLockHolder | undefined> {
  const [used] = await rows<{ id: number | string | null }>(knex, 'SELECT IS_USED_LOCK(?) AS id', [lock]);
  if (used?.id === null || used?.id === undefined) return undefined;
  const connectionId = Number(used.id);
  // Without the PROCESS privilege the processlist shows only this user's own connections.
  const [p] = await rows<Record<string, unknown>>(
    knex,
    'SELECT USER, HOST, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST WHERE ID = ?',
    [connectionId],
  );
  if (!p) return { lock, connectionId, visible: false };
  const text = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v));
  const user = text(p.USER);
  const host = text(p.HOST);
  const command = text(p.COMMAND);
  const state = text(p.STATE);
  const info = text(p.INFO);
  return {
    lock,
    connectionId,
    visible: true,
    ...(user !== undefined && { user }),
    ...(host !== undefined && { host }),
    ...(p.TIME !== null && p.TIME !== undefined && { seconds: Number(p.TIME) }),
    ...(command !== undefined && { command }),
    ...(state !== undefined && { state }),
    ...(info !== undefined && { info: info.length > 120 ? `${info.slice(0, 117)}...` : info }),
  };
}

/** "connection 42 (user sync from 10.0.0.5:51234, Sleep for 75s)" or, when not visible, why not. */
export function describeHolder(h: StoreLockHolder): string {
  if (!h.visible)
    return `connection ${h.connectionId} (not visible in the processlist: this database user lacks the PROCESS privilege)`;
  const parts = [
    h.user !== undefined ? `user ${h.user}${h.host !== undefined ? ` from ${h.host}` : ''}` : undefined,
    h.command !== undefined ? `${h.command}${h.seconds !== undefined ? ` for ${h.seconds}s` : ''}` : undefined,
    h.state !== undefined ? `state "${h.state}"` : undefined,
    h.info !== undefined ? `running: ${h.info}` : undefined,
  ].filter((p) => p !== undefined);
  return `connection ${h.connectionId}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
