/** Local accounts of the finance page and their page sessions, in the state store (migration 0011). */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export const ROLES = ['viewer', 'operator', 'approver'] as const;
export type Role = (typeof ROLES)[number];

export interface UserRow {
  username: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  username: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

const toUser = (r: Row): UserRow => ({
  username: r.username,
  role: r.role as Role,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function userGet(knex: Knex, username: string): Promise<(UserRow & { passwordHash: string }) | undefined> {
  const r = (await knex('sluice_users').where({ username }).first()) as Row | undefined;
  return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
}

export async function userList(knex: Knex): Promise<UserRow[]> {
  return ((await knex('sluice_users').orderBy('username')) as Row[]).map(toUser);
}

export async function userInsert(knex: Knex, u: { username: string; role: Role; passwordHash: string; at: string }) {
  await knex('sluice_users').insert({
    username: u.username,
    role: u.role,
    password_hash: u.passwordHash,
    created_at: u.at,
    updated_at: u.at,
  });
}

export async function userUpdate(
  knex: Knex,
  username: string,
  change: { passwordHash?: string; role?: Role; at: string },
): Promise<boolean> {
  const n = await knex('sluice_users')
    .where({ username })
    .update({
      ...(change.passwordHash !== undefined && { password_hash: change.passwordHash }),
      ...(change.role !== undefined && { role: change.role }),
      updated_at: change.at,
    });
  return n > 0;
}

export async function userDelete(knex: Knex, username: string): Promise<boolean> {
  return knex.transaction(async (trx) => {
    await trx('sluice_web_sessions').where({ username }).delete();
    return (await trx('sluice_users').where({ username }).delete()) > 0;
  });
}

export const sessionIdHash = (id: string): string => createHash('sha256').update(id).digest('hex');

export interface WebSessionRow {
  username: string;
  csrf: string;
  expiresAt: string;
}

export async function webSessionInsert(
  knex: Knex,
  s: { id: string; username: string; csrf: string; at: string; expiresAt: string },
): Promise<void> {
  await knex('sluice_web_sessions').insert({
    id_hash: sessionIdHash(s.id),
    username: s.username,
    csrf: s.csrf,
    created_at: s.at,
    expires_at: s.expiresAt,
  });
}

export async function webSessionGet(knex: Knex, id: string): Promise<WebSessionRow | undefined> {
  const r = (await knex('sluice_web_sessions')
    .where({ id_hash: sessionIdHash(id) })
    .first()) as { username: string; csrf: string; expires_at: string } | undefined;
  return r ? { username: r.username, csrf: r.csrf, expiresAt: r.expires_at } : undefined;
}

export async function webSessionDelete(knex: Knex, id: string): Promise<void> {
  await knex('sluice_web_sessions')
    .where({ id_hash: sessionIdHash(id) })
    .delete();
}

export async function webSessionsPrune(knex: Knex, now: string): Promise<void> {
  await knex('sluice_web_sessions').where('expires_at', '<', now).delete();
}
