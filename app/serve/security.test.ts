/**
 * The finance page's security at the HTTP level (no browser): every state-changing route refuses a
 * missing or wrong CSRF token, a foreign Origin, no session and a missing role; a session id
 * planted before login is never used; `?next=` never leads off the site; failed logins are rate
 * limited; cookies are HttpOnly, SameSite=Strict (Secure and __Host- under TLS); and a planted
 * secret appears on no page.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { findSession } from '../../engine/auth/sessions.js';
import {
  financeFixture,
  PASSWORD,
  PLANTED_SECRET,
  USERS,
  type FinanceFixture,
} from '../../test/helpers/finance-fixture.js';
import { PageClient } from '../../test/helpers/page-client.js';
import { tempDir } from '../../test/helpers/tmp.js';

let state: StateStore;
let fx: FinanceFixture;
const dir = tempDir('sluice-page-');

beforeAll(async () => {
  state = await openStateStore({ url: `sqlite:${dir}/state.db`, secretKey: 'k'.repeat(64) });
  fx = await financeFixture(state, dir);
  return () => state.close();
});

async function as(user: string): Promise<PageClient> {
  const c = new PageClient(fx.app);
  const res = await c.login(user, PASSWORD);
  expect(res.status).toBe(303);
  return c;
}

const openEntries = () => state.attentionList({ pipeline: 'expenses-to-ledger', statuses: ['open', 'resync'] });

/** Every state-changing route, with a body that would be accepted with a valid token and role. */
async function routes(): Promise<{ path: string; form: Record<string, string> }[]> {
  const [entry] = await openEntries();
  return [
    { path: '/attention/resync', form: { id: String(entry!.id) } },
    { path: '/attention/resolve', form: { id: String(entry!.id), reason: 'test' } },
    { path: '/document/resync', form: { pipeline: 'expenses-to-ledger', key: entry!.sourceKey } },
    { path: `/plans/${fx.planId}/decide`, form: { decision: 'reject', comment: 'no' } },
    { path: `/plans/${fx.planId}/apply`, form: {} },
    { path: '/logout', form: {} },
  ];
}

describe('the finance page over HTTP', () => {
  it('sends a visitor without a session to the login page, and refuses a POST without one', async () => {
    const c = new PageClient(fx.app);
    const res = await c.get('/attention?class=config');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fattention%3Fclass%3Dconfig');
    for (const r of await routes()) expect((await c.post(r.path, r.form)).status, r.path).toBe(401);
  });

  it('every state-changing route refuses a missing or wrong CSRF token and a foreign Origin', async () => {
    const before = (await openEntries()).length;
    const c = await as(USERS.approver2);
    const token = await c.csrf('/attention');
    for (const r of await routes()) {
      expect((await c.post(r.path, r.form)).status, `${r.path} without token`).toBe(403);
      expect((await c.post(r.path, { ...r.form, _csrf: `${token.slice(0, -2)}xx` })).status, `${r.path} wrong`).toBe(
        403,
      );
      expect(
        (await c.post(r.path, { ...r.form, _csrf: token }, 'https://evil.example')).status,
        `${r.path} origin`,
      ).toBe(403);
      expect((await c.post(r.path, { ...r.form, _csrf: token }, null)).status, `${r.path} no origin`).toBe(403);
    }
    // nothing happened: the session still works, entries and the plan are as they were
    expect((await c.get('/')).status).toBe(200);
    expect((await openEntries()).length).toBe(before);
    expect((await state.knex('sluice_plan_approvals').where({ id: fx.planId }).first()).status).toBe('pending');
  });

  it('roles are enforced on the server: a viewer cannot re-sync or resolve, an operator cannot decide plans', async () => {
    const before = await openEntries();
    const viewer = await as(USERS.viewer);
    const vt = await viewer.csrf('/attention');
    expect(await (await viewer.get('/attention')).text()).not.toContain('Re-sync selected');
    const [resync, resolve, doc, decide, apply] = await routes();
    for (const r of [resync!, resolve!, doc!, decide!, apply!])
      expect((await viewer.post(r.path, { ...r.form, _csrf: vt })).status, r.path).toBe(403);
    const operator = await as(USERS.operator);
    const ot = await operator.csrf('/plans');
    expect((await operator.post(decide!.path, { decision: 'approve', _csrf: ot })).status).toBe(403);
    expect(await openEntries()).toEqual(before);
    expect((await state.knex('sluice_plan_approvals').where({ id: fx.planId }).first()).status).toBe('pending');
  });

  it('a session id planted before login is never used: login makes a new one', async () => {
    const c = new PageClient(fx.app);
    c.cookies.set('sluice_session', 'attacker-chosen-session-id');
    expect((await c.login(USERS.operator, PASSWORD)).status).toBe(303);
    const id = c.cookies.get('sluice_session')!;
    expect(id).not.toBe('attacker-chosen-session-id');
    expect(id.length).toBeGreaterThanOrEqual(43);
    expect(await findSession(state, 'attacker-chosen-session-id')).toBeUndefined();
    // logging in again rotates it and ends the old one
    const again = await c.login(USERS.operator, PASSWORD);
    expect(again.status).toBe(303);
    expect(c.cookies.get('sluice_session')).not.toBe(id);
    expect(await findSession(state, id)).toBeUndefined();
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const c = new PageClient(fx.app);
    const page = await (await c.get('/login')).text();
    const token = /name="_login" value="([^"]+)"/.exec(page)![1]!;
    const res = await c.post('/login', { _login: token, username: USERS.viewer, password: PASSWORD, next: '/' });
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('sluice_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks cookies Secure with the __Host- prefix under TLS', async () => {
    const { financeApp } = await import('./app.js');
    const tls = new PageClient(financeApp({ state, runner: fx.runner, secureCookies: true }));
    const res = await tls.login(USERS.viewer, PASSWORD);
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('__Host-sluice_session='))!;
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('refuses a login whose form token is missing (login CSRF)', async () => {
    const c = new PageClient(fx.app);
    await c.get('/login');
    expect((await c.post('/login', { username: USERS.viewer, password: PASSWORD })).status).toBe(403);
    expect(c.cookies.has('sluice_session')).toBe(false);
  });

  it.each([
    ['//evil.example/x', '/'],
    ['https://evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/attention?class=config', '/attention?class=config'],
  ])('after login, next=%s leads to %s', async (next, to) => {
    const c = new PageClient(fx.app);
    const res = await c.login(USERS.viewer, PASSWORD, next);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(to);
  });

  it('rate-limits failed logins per user name', async () => {
    const c = new PageClient(fx.app);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await c.login('ratelimited', 'wrong password!')).status);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    const blocked = await c.login('ratelimited', 'wrong password!');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the author of a plan may not approve it; a second approver may, and the audit trail says who', async () => {
    const author = await as(USERS.approver);
    const t = await author.csrf(`/plans/${fx.planId}`);
    const refused = await author.post(`/plans/${fx.planId}/decide`, { decision: 'approve', comment: 'mine', _csrf: t });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('PLAN_APPROVER_IS_AUTHOR');
    const bob = await as(USERS.approver2);
    const bt = await bob.csrf(`/plans/${fx.planId}`);
    const ok = await bob.post(`/plans/${fx.planId}/decide`, {
      decision: 'approve',
      comment: 'checked the IBANs',
      _csrf: bt,
    });
    expect(ok.status).toBe(303);
    const row = await state.knex('sluice_plan_approvals').where({ id: fx.planId }).first();
    expect([row.status, row.decided_by, row.comment]).toEqual(['approved', USERS.approver2, 'checked the IBANs']);
    const audit = await (await bob.get('/audit')).text();
    expect(audit).toMatch(/plan-approve/);
    expect(audit).toContain(USERS.approver2);
  });

  it('a planted secret (a connection password from the environment) and the passwords appear on no page', async () => {
    const c = await as(USERS.approver2);
    const seen = new Set<string>();
    const queue = ['/', '/attention', '/runs', '/plans', '/audit'];
    while (queue.length > 0 && seen.size < 80) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await c.get(path);
      const text = await res.text();
      expect(res.status, path).toBeLessThan(400);
      expect(text, path).not.toContain(PLANTED_SECRET);
      expect(text, path).not.toContain(PASSWORD);
      expect(text, path).not.toMatch(/scrypt\$/);
      for (const m of text.matchAll(/href="(\/[^"]*)"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&');
        if (!href.startsWith('/assets') && !seen.has(href)) queue.push(href);
      }
    }
    expect([...seen].some((p) => p.startsWith('/document?'))).toBe(true);
    expect([...seen].some((p) => p.startsWith('/runs/'))).toBe(true);
    expect([...seen].some((p) => p.startsWith('/plans/'))).toBe(true);
  });
});
