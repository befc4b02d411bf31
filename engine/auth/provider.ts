/**
 * How a person proves who they are to the finance page. Local accounts (users.ts) are the first
 * provider; a later OIDC provider implements the same contract (a redirect to the identity
 * provider, then a callback that yields an Identity mapped onto a sluice role), and sessions,
 * CSRF and roles stay as they are.
 */
import { userGet, type Role } from '../state/users.js';
import type { StateStore } from '../state/store.js';
import { decoyHash, verifyPassword } from './passwords.js';

export interface Identity {
  username: string;
  role: Role;
  /** Which provider vouched for it. */
  provider: string;
}

export interface PasswordProvider {
  kind: 'password';
  id: string;
  authenticate(username: string, password: string): Promise<Identity | undefined>;
}

/** Future: `{ kind: 'redirect'; start(next): URL; callback(params): Promise<Identity | undefined> }` for OIDC. */
export type AuthProvider = PasswordProvider;

export function localProvider(state: StateStore): PasswordProvider {
  return {
    kind: 'password',
    id: 'local',
    async authenticate(username, password) {
      const user = username.length <= 64 ? await userGet(state.knex, username) : undefined;
      // An unknown user costs one scrypt too, so the answer's timing does not tell who exists.
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      return user && ok ? { username: user.username, role: user.role, provider: 'local' } : undefined;
    },
  };
}
