import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient } from './testing.js';

describe('emulator sessions', () => {
  let emu: SapB1Emulator;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  it('Login sets B1SESSION without Path (ending in ";") and ROUTEID with path=/b1s, and reports the timeout in minutes', async () => {
    const c = testClient(emu, 'v1');
    const res = await c.login();
    expect(res.status).toBe(200);
    const [session, route] = res.headers.getSetCookie();
    expect(session).toMatch(/^B1SESSION=[0-9a-f-]{36};HttpOnly;$/);
    expect(session).not.toMatch(/path/i);
    expect(route).toMatch(/^ROUTEID=\.node\d; path=\/b1s$/);
    expect(res.json).toEqual({
      'odata.metadata': `${emu.url}/b1s/v1/$metadata#B1Sessions/@Element`,
      SessionId: session?.slice(10, 46),
      Version: '1000110',
      SessionTimeout: 30,
    });
    expect(emu.counters.logins).toBe(1);
  });

  it('answers v2 logins with @odata.context', async () => {
    const res = await testClient(emu, 'v2').login();
    expect(res.json['@odata.context']).toBe(`${emu.url}/b1s/v2/$metadata#B1Sessions/$entity`);
    expect(res.json.Version).toBe('1000191');
  });

  it('accepts Language as a string, a number or absent', async () => {
    for (const Language of ['3', 3, undefined]) {
      expect((await testClient(emu).login({ Language })).status).toBe(200);
    }
    expect((await testClient(emu).login({ Language: { x: 1 } })).status).toBe(400);
  });

  it("refuses calls without a live session: 401 with code 301 in each version's shape", async () => {
    const v1 = await testClient(emu, 'v1').request('GET', 'Projects');
    expect(v1.status).toBe(401);
    expect(v1.json).toEqual({
      error: { code: 301, message: { lang: 'en-us', value: 'Invalid session or session already timeout.' } },
    });
    const v2 = testClient(emu, 'v2');
    v2.cookie = 'B1SESSION=not-a-session; ROUTEID=.node1';
    const res = await v2.request('GET', 'Projects');
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: '301', message: 'Invalid session or session already timeout.' } });
  });

  it('serves $metadata and /ping without a session', async () => {
    expect((await testClient(emu, 'v1').request('GET', '$metadata')).status).toBe(200);
    const ping = await fetch(`${emu.url}/ping/`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ message: expect.any(String) });
  });

  it('rejects a wrong password with -304 and an unknown company with -306', async () => {
    const pw = await testClient(emu, 'v1').login({ Password: 'wrong' });
    expect(pw.status).toBe(401);
    expect(pw.json.error.code).toBe(-304);
    const db = await testClient(emu, 'v2').login({ CompanyDB: 'NOPE' });
    expect(db.status).toBe(401);
    expect(db.json.error).toEqual({ code: '-306', message: 'Fail to NONE-SSO login from SLD.' });
    expect(emu.counters.failedLogins).toBe(2);
    expect(emu.counters.logins).toBe(0);
  });

  it('keeps a session alive while it is used (sliding idle timeout) and ends it after 30 idle minutes', async () => {
    const c = testClient(emu);
    await c.login();
    for (let i = 0; i < 5; i++) {
      emu.clock.advance(20 * 60_000);
      expect((await c.request('GET', 'Dimensions')).status).toBe(200);
    }
    emu.clock.advance(30 * 60_000);
    expect((await c.request('GET', 'Dimensions')).status).toBe(401);
  });

  it('Logout answers 204 and the old cookie then gets 401', async () => {
    const c = testClient(emu);
    await c.login();
    expect((await c.request('POST', 'Logout')).status).toBe(204);
    expect((await c.request('GET', 'Dimensions')).status).toBe(401);
    expect(emu.counters.logouts).toBe(1);
  });

  it('expireAllSessions ends every session', async () => {
    const a = testClient(emu);
    const b = testClient(emu, 'v1');
    await a.login();
    await b.login();
    expect(emu.expireAllSessions()).toBe(2);
    expect((await a.request('GET', 'Dimensions')).status).toBe(401);
    expect((await b.request('GET', 'Dimensions')).status).toBe(401);
  });
});

describe('emulator login cost and parallel logins (on a manual clock)', () => {
  let clock: ManualClock;
  let emu: SapB1Emulator;
  afterEach(async () => {
    await emu.close();
  });

  it('a login takes loginDelayMs, and a second login arriving meanwhile fails with 500 / 299', async () => {
    clock = new ManualClock();
    emu = await startSapB1Emulator({ loginDelayMs: 80, clock });
    const mark = emu.events.mark();
    const first = testClient(emu).login();
    await emu.events.next('request', (e) => e.path === 'Login', { since: mark });
    const second = await testClient(emu, 'v1').login();
    expect(second.status).toBe(500);
    expect(second.json).toEqual({ error: { code: 299, message: { lang: 'en-us', value: 'SAML Login Failed' } } });
    clock.advance(79);
    expect(clock.sleepers).toBe(1); // the first login is still being processed
    clock.advance(1);
    expect((await first).status).toBe(200);
    const third = testClient(emu).login();
    await emu.events.next('request', (e) => e.path === 'Login', { since: mark, count: 3 });
    clock.advance(80);
    expect((await third).status).toBe(200);
    expect(emu.counters.logins).toBe(2);
    expect(emu.counters.failedLogins).toBe(1);
  });

  it('expires sessions after sessionTimeoutSeconds of emulator time, reporting whole minutes', async () => {
    clock = new ManualClock();
    emu = await startSapB1Emulator({ sessionTimeoutSeconds: 30, clock });
    const c = testClient(emu);
    expect((await c.login()).json.SessionTimeout).toBe(1);
    clock.advance(29_999);
    expect((await c.request('GET', 'Dimensions')).status).toBe(200); // used: the idle timer starts again
    clock.advance(29_999);
    expect((await c.request('GET', 'Dimensions')).status).toBe(200);
    clock.advance(30_000);
    expect((await c.request('GET', 'Dimensions')).status).toBe(401);
  });
});
