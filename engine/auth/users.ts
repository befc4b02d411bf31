/**
 * The users service, for `sluice users` and the finance page alike: local accounts with a role
 * (viewer: reads; operator: also re-syncs and resolves; approver: also approves or rejects plans),
 * passwords hashed with scrypt (passwords.ts). Every change is kept in the audit trail.
 */
import { ConfigError } from '../errors.js';
import { isoNow } from '../runtime/clock.js';
import type { StateStore } from '../state/store.js';
import {
  ROLES,
  userDelete,
  userGet,
  userInsert,
  userList,
  userUpdate,
  type Role,
  type UserRow,
} from '../state/users.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { audit } from './audit.js';

export { ROLES, type Role, type UserRow };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Which roles may do what: an approver can do what an operator can, an operator what a viewer can. */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2 };
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new ConfigError('USER_INVALID', `"${value}" is not a role; use one of ${ROLES.join(', ')}`);
}

function checkName(username: string): void {
  if (!NAME.test(username))
    throw new ConfigError(
      'USER_INVALID',
      `"${username}" is not a user name: 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
    );
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ConfigError(
      'PASSWORD_WEAK',
      `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a passphrase is fine)`,
    );
}

export async function addUser(
  state: StateStore,
  u: { username: string; role: Role; password: string; by: string },
): Promise<UserRow> {
  checkName(u.username);
  checkPassword(u.password);
  if (await userGet(state.knex, u.username))
    throw new ConfigError(
      'USER_EXISTS',
      `there is already a user "${u.username}" (change it with sluice users passwd)`,
    );
  const at = isoNow(state.clock);
  await userInsert(state.knex, {
    username: u.username,
    role: u.role,
    passwordHash: await hashPassword(u.password),
    at,
  });
  await audit(state, { action: 'user-add', by: u.by, detail: { username: u.username, role: u.role } });
  return { username: u.username, role: u.role, createdAt: at, updatedAt: at };
}

export async function setPassword(
  state: StateStore,
  u: { username: string; password: string; role?: Role; by: string },
): Promise<void> {
  checkPassword(u.password);
  const changed = await userUpdate(state.knex, u.username, {
    passwordHash: await hashPassword(u.password),
    ...(u.role !== undefined && { role: u.role }),
    at: isoNow(state.clock),
  });
  if (!changed) throw new ConfigError('USER_UNKNOWN', `there is no user "${u.username}" (see sluice users list)`);
  // A new password ends every session the old one opened.
  await state.knex('sluice_web_sessions').where({ username: u.username }).delete();
  await audit(state, {
    action: 'user-passwd',
    by: u.by,
    detail: { username: u.username, ...(u.role !== undefined && { role: u.role }) },
  });
}

export async function removeUser(state: StateStore, u: { username: string; by: string }): Promise<void> {
  if (!(await userDelete(state.knex, u.username)))
    throw new ConfigError('USER_UNKNOWN', `there is no user "${u.username}" (see sluice users list)`);
  await audit(state, { action: 'user-remove', by: u.by, detail: { username: u.username } });
}

export function listUsers(state: StateStore): Promise<UserRow[]> {
  return userList(state.knex);
}
