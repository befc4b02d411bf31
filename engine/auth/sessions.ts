/**
 * Page sessions: a random 256-bit id in an HttpOnly cookie (only its SHA-256 is stored) and a
 * per-session CSRF token (synchronizer token). A login always makes a new session (the id is
 * rotated, so an id planted before login is worthless); logout and a password change end it.
 * The role is read from the user's row on every request, so a role change applies at once.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isoNow } from '../runtime/clock.js';
import type { StateStore } from '../state/store.js';
import { userGet, webSessionDelete, webSessionGet, webSessionInsert, webSessionsPrune } from '../state/users.js';
import type { Identity } from './provider.js';

export const SESSION_TTL_MS = 8 * 3600_000;

export interface WebSession {
  id: string;
  csrf: string;
  user: Identity;
}

export async function createSession(state: StateStore, user: Identity, ttlMs = SESSION_TTL_MS): Promise<WebSession> {
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const now = state.clock.now();
  await webSessionsPrune(state.knex, new Date(now).toISOString());
  await webSessionInsert(state.knex, {
    id,
    username: user.username,
    csrf,
    at: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
  });
  return { id, csrf, user };
}

export async function findSession(state: StateStore, id: string | undefined): Promise<WebSession | undefined> {
  if (id === undefined || id.length === 0 || id.length > 100) return undefined;
  const row = await webSessionGet(state.knex, id);
  if (!row || row.expiresAt <= isoNow(state.clock)) return undefined;
  const user = await userGet(state.knex, row.username);
  if (!user) return undefined;
  return { id, csrf: row.csrf, user: { username: user.username, role: user.role, provider: 'local' } };
}

export async function endSession(state: StateStore, id: string): Promise<void> {
  await webSessionDelete(state.knex, id);
}

export function csrfMatches(session: WebSession, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const a = Buffer.from(token);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
