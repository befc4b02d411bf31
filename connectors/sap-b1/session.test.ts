import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateStore } from '../../engine/state/store.js';
import { AuthError } from '../../engine/errors.js';
import { createLogger, silentLogger } from '../../engine/runtime/logger.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { memoryVault, openTestConnection, readAll, testContext } from './test-support.js';

const dir = tempDir('sap-b1-session-');

describe('sap-b1 sessions', () => {
  let emu: SapB1Emulator;
  beforeEach(async () => {
    emu = await startSapB1Emulator({ loginDelayMs: 20 });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('logs in once for a whole run: reads, lookups and writes share one session', async () => {
    const conn = await openTestConnection(emu);
    expect(emu.counters.logins).toBe(0); // open does no network I/O
    await readAll(conn.source('projects', {}).read({ pageSize: 5 }));
    await readAll(conn.source('business-partners', { cardType: 'cCustomer' }).read({}));
    const target = conn.target('projects', {}, { keyField: 'Code', mode: 'upsert' });
    await target.lookup(['P1001', 'P1002']);
    await target.write([{ op: 'create', key: 'P5001', record: { Code: 'P5001', Name: 'One session' } }]);
    await conn.close();
    expect(emu.counters.logins).toBe(1);
    expect(conn.stats().logins).toBe(1);
    expect(conn.stats().calls?.['POST Login']).toBe(1);
    expect(conn.stats().apiCalls).toBeGreaterThan(8);
  });

  it('reuses the session in the next run from the state store (open, use, close, reopen)', async () => {
    const url = `sqlite:${join(dir, 'state.db')}`;
    const secretKey = 'a'.repeat(64);
    for (let run = 1; run <= 3; run++) {
      const store = await openStateStore({ url, secretKey });
      const conn = await openTestConnection(emu, {}, testContext(store.vault('b1-test')));
      await readAll(conn.source('dimensions', {}).read({}));
      await conn.close();
      expect(conn.stats().logins, `run ${run}`).toBe(run === 1 ? 1 : 0);
      await store.close();
    }
    expect(emu.counters.logins).toBe(1);
  });

  it('reuses a stored session inside its idle timeout, and past it logs in without a wasted call', async () => {
    const vault = memoryVault();
    const ctx = testContext(vault, silentLogger(), emu.clock); // the connector and the emulator share one clock
    const run = async (): Promise<void> => {
      const conn = await openTestConnection(emu, {}, ctx);
      await readAll(conn.source('dimensions', {}).read({}));
      await conn.close();
    };
    await run();
    emu.clock.advance(28 * 60_000); // inside 30 minutes less the safety margin: reused
    await run();
    expect(emu.counters.logins).toBe(1);
    emu.clock.advance(31 * 60_000); // idle for longer than the timeout, on both sides
    await run();
    expect(emu.counters.logins).toBe(2);
    expect(emu.counters.log.filter((e) => e.status === 401)).toHaveLength(0);
  });

  it('does not reuse a session stored for another company, user, version or password', async () => {
    const vault = memoryVault();
    const v2 = await openTestConnection(emu, {}, testContext(vault));
    await readAll(v2.source('dimensions', {}).read({}));
    await v2.close();
    const v1 = await openTestConnection(emu, { version: 'v1' }, testContext(vault));
    await readAll(v1.source('dimensions', {}).read({}));
    await v1.close();
    expect(emu.counters.logins).toBe(2);
    const wrong = await openTestConnection(emu, { version: 'v1', password: 'changed' }, testContext(vault));
    await expect(readAll(wrong.source('dimensions', {}).read({}))).rejects.toBeInstanceOf(AuthError);
    await wrong.close();
  });

  it('logs in again once when the session expires mid-run, and replays the call', async () => {
    const conn = await openTestConnection(emu);
    const pages: number[] = [];
    for await (const page of conn.source('projects', {}).read({ pageSize: 10 })) {
      pages.push(page.length);
      if (pages.length === 1) emu.clock.advance(31 * 60_000); // idle timeout passes between two pages
    }
    await conn.close();
    expect(pages).toEqual([10, 10, 10]);
    expect(emu.counters.logins).toBe(2);
    expect(conn.stats().logins).toBe(2);
    expect(emu.counters.log.filter((e) => e.status === 401)).toHaveLength(1);
  });

  it('a stored session that the server no longer knows costs one 401 and one login', async () => {
    const vault = memoryVault();
    const first = await openTestConnection(emu, {}, testContext(vault));
    await readAll(first.source('dimensions', {}).read({}));
    await first.close();
    emu.expireAllSessions(); // e.g. a Service Layer restart
    const second = await openTestConnection(emu, {}, testContext(vault));
    const { records } = await readAll(second.source('dimensions', {}).read({}));
    await second.close();
    expect(records).toHaveLength(5);
    expect(emu.counters.logins).toBe(2);
  });

  it('serialises logins: parallel first calls and parallel 401s each lead to exactly one login', async () => {
    const conn = await openTestConnection(emu, { concurrency: 4 });
    const target = conn.target('projects', {}, { keyField: 'Code', mode: 'upsert' });
    const lookupAll = (keys: string[]) => Promise.all(keys.map((k) => target.lookup([k])));
    // Hold the lookups at the emulator until four are in flight at once.
    const first = emu.faults.add({ path: 'Projects', kind: 'hold', times: 6 });
    let mark = emu.events.mark();
    const firstRound = lookupAll(['P1001', 'P1002', 'P1003', 'P1004', 'P1005', 'P1006']);
    await emu.events.next('request', (e) => e.fault === 'hold', { since: mark, count: 4 });
    expect(first.held).toBe(4);
    first.release();
    await firstRound;
    expect(emu.counters.logins).toBe(1);
    emu.expireAllSessions();
    const second = emu.faults.add({ path: 'Projects', kind: 'hold', times: 4 });
    mark = emu.events.mark();
    const secondRound = lookupAll(['P1001', 'P1002', 'P1003', 'P1004']);
    await emu.events.next('request', (e) => e.fault === 'hold', { since: mark, count: 4 });
    second.release(); // four requests of an expired session: four 401s, one login
    await secondRound;
    await conn.close();
    expect(emu.events.all('responded', (e) => e.status === 401, mark)).toHaveLength(4);
    expect(emu.counters.logins).toBe(2);
    expect(emu.counters.failedLogins).toBe(0);
    expect(emu.counters.maxInFlight).toBe(4);
  });

  it("retries a login that collided with another client's login (500 / 299)", async () => {
    emu.faults.add({ path: 'Login', kind: 'error', status: 500, code: 299, message: 'SAML Login Failed' });
    const conn = await openTestConnection(emu);
    await readAll(conn.source('dimensions', {}).read({}));
    await conn.close();
    expect(emu.counters.requests['POST Login']).toBe(2);
    expect(emu.counters.logins).toBe(1);
  });

  it('rejected credentials are an AuthError, tried once', async () => {
    const conn = await openTestConnection(emu, { password: 'wrong' });
    await expect(readAll(conn.source('dimensions', {}).read({}))).rejects.toBeInstanceOf(AuthError);
    await conn.close();
    expect(emu.counters.requests['POST Login']).toBe(1);
  });

  it('logs out on close when asked (option or close({ logout: true })) and forgets the stored session', async () => {
    const vault = memoryVault();
    const conn = await openTestConnection(emu, {}, testContext(vault));
    await readAll(conn.source('dimensions', {}).read({}));
    await conn.close({ logout: true });
    await conn.close();
    expect(emu.counters.logouts).toBe(1);
    expect(emu.sessions.list()).toHaveLength(0);
    expect(await vault.get('sap-b1-session:SBO_NORTHWIND:manager')).toBeUndefined();
    const daemon = await openTestConnection(emu, { logoutOnClose: true }, testContext(vault));
    await readAll(daemon.source('dimensions', {}).read({}));
    await daemon.close();
    expect(emu.counters.logouts).toBe(2);
  });

  it('never writes the password or the session id to the log', async () => {
    let log = '';
    const destination = new Writable({
      write(chunk, _enc, done) {
        log += String(chunk);
        done();
      },
    });
    const logger = createLogger({ level: 'debug', format: 'json', destination });
    const conn = await openTestConnection(emu, { password: 'manager' }, testContext(memoryVault(), logger));
    emu.faults.add({ path: 'Dimensions', kind: 'expire-session' });
    await readAll(conn.source('dimensions', {}).read({}));
    const bad = await openTestConnection(emu, { password: 'hunter2-secret' }, testContext(memoryVault(), logger));
    await expect(readAll(bad.source('dimensions', {}).read({}))).rejects.toThrow(/rejected the user/);
    await conn.close();
    await bad.close();
    expect(log).toContain('logged in');
    for (const s of emu.sessions.list()) expect(log).not.toContain(s.id);
    expect(log).not.toContain('hunter2-secret');
    expect(log).not.toMatch(/"password"\s*:\s*"manager"/);
  });
});
