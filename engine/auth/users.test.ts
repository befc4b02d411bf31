/**
 * Local accounts and page sessions on SQLite and MariaDB: scrypt hashes with a salt per password,
 * checked timing-safely; weak passwords, bad names and duplicates refused; a password change or a
 * removal ends the user's sessions; sessions expire; the audit trail names who changed what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { ManualClock } from '../runtime/clock.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { userGet } from '../state/users.js';
import { auditTrail } from './audit.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { localProvider } from './provider.js';
import { createSession, endSession, findSession, SESSION_TTL_MS } from './sessions.js';
import { addUser, hasRole, listUsers, removeUser, setPassword } from './users.js';

const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('users') },
];

const PW = 'a long enough passphrase';

describe('password hashes', () => {
  it('salts each hash, verifies the right password and refuses others', async () => {
    const [a, b] = [await hashPassword(PW), await hashPassword(PW)];
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PW, a)).toBe(true);
    expect(await verifyPassword(`${PW}!`, a)).toBe(false);
    expect(await verifyPassword(PW, 'plain-text')).toBe(false);
  });

  it('ranks roles: an approver may do what an operator may, an operator what a viewer may', () => {
    expect([hasRole('approver', 'operator'), hasRole('operator', 'viewer'), hasRole('viewer', 'operator')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(hasRole('operator', 'approver')).toBe(false);
  });
});

describe.each(backends)('users and sessions on $name', (backend) => {
  let state: StateStore;
  let drop: () => Promise<void>;
  const clock = new ManualClock();
  beforeAll(async () => {
    const db = await backend.open();
    drop = db.drop;
    state = await openStateStore({ url: db.url, secretKey: 'k'.repeat(64), clock });
  });
  afterAll(async () => {
    await state.close();
    await drop();
  });

  it('adds users with hashed passwords and refuses weak passwords, bad names and duplicates', async () => {
    await addUser(state, { username: 'maria', role: 'operator', password: PW, by: 'admin' });
    const row = await userGet(state.knex, 'maria');
    expect(row?.passwordHash).not.toContain(PW);
    await expect(
      addUser(state, { username: 'maria', role: 'viewer', password: PW, by: 'admin' }),
    ).rejects.toMatchObject({
      code: 'USER_EXISTS',
    });
    await expect(
      addUser(state, { username: 'short', role: 'viewer', password: 'abc', by: 'admin' }),
    ).rejects.toMatchObject({
      code: 'PASSWORD_WEAK',
    });
    await expect(addUser(state, { username: '../x', role: 'viewer', password: PW, by: 'admin' })).rejects.toMatchObject(
      {
        code: 'USER_INVALID',
      },
    );
    expect((await listUsers(state)).map((u) => [u.username, u.role])).toEqual([['maria', 'operator']]);
    const login = localProvider(state);
    expect(await login.authenticate('maria', PW)).toEqual({ username: 'maria', role: 'operator', provider: 'local' });
    expect(await login.authenticate('maria', 'wrong passphrase!')).toBeUndefined();
    expect(await login.authenticate('nobody', PW)).toBeUndefined();
  });

  it('sessions are found by their id only, expire, and end with logout, a password change or removal', async () => {
    await addUser(state, { username: 'otto', role: 'approver', password: PW, by: 'admin' });
    const identity = (await localProvider(state).authenticate('otto', PW))!;
    const s1 = await createSession(state, identity);
    const stored = await state.knex('sluice_web_sessions').select('id_hash');
    expect(JSON.stringify(stored)).not.toContain(s1.id);
    expect((await findSession(state, s1.id))?.user.username).toBe('otto');
    await endSession(state, s1.id);
    expect(await findSession(state, s1.id)).toBeUndefined();

    const s2 = await createSession(state, identity);
    clock.advance(SESSION_TTL_MS + 1);
    expect(await findSession(state, s2.id)).toBeUndefined();

    const s3 = await createSession(state, identity);
    await setPassword(state, { username: 'otto', password: `${PW} 2`, role: 'viewer', by: 'admin' });
    expect(await findSession(state, s3.id)).toBeUndefined();
    expect(await localProvider(state).authenticate('otto', PW)).toBeUndefined();
    expect((await localProvider(state).authenticate('otto', `${PW} 2`))?.role).toBe('viewer');

    const s4 = await createSession(state, { ...identity, role: 'viewer' });
    await removeUser(state, { username: 'otto', by: 'admin' });
    expect(await findSession(state, s4.id)).toBeUndefined();
    await expect(removeUser(state, { username: 'otto', by: 'admin' })).rejects.toMatchObject({ code: 'USER_UNKNOWN' });
    const trail = (await auditTrail(state))
      .filter((a) => a.action.startsWith('user-'))
      .map((a) => [a.action, a.actor, a.detail.username]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['user-add', 'admin', 'otto'],
        ['user-passwd', 'admin', 'otto'],
        ['user-remove', 'admin', 'otto'],
      ]),
    );
  });
});
