import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialVault } from '../../../engine/connector/types.js';
import { AuthError } from '../../../engine/errors.js';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { CallCounter, HttpClient } from '../../../engine/runtime/http.js';
import { createLogger, silentLogger } from '../../../engine/runtime/logger.js';
import { openStateStore } from '../../../engine/state/store.js';
import { memoryVault } from '../../../test/conformance/context.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { startConcurEmulator, type ConcurEmulator, type ConcurEmulatorOptions } from '../emulator/index.js';
import { resolveConfig } from '../config.js';
import { api } from '../emulator/test-client.js';
import { emulatorConfig, openAgainst, readAll } from '../test-support.js';
import { CredentialStore, type StoredCredential } from './credential-store.js';
import { TokenSession } from './session.js';

let emu: ConcurEmulator | undefined;
async function start(options: ConcurEmulatorOptions = {}): Promise<ConcurEmulator> {
  emu = await startConcurEmulator(options);
  return emu;
}
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const STORE_NAME = 'concur:concur-test:oauth';

function grants(e: ConcurEmulator, type?: string): { grant: string; status: number; region: string; body: unknown }[] {
  return e
    .find({ path: '/oauth2/v0/token' })
    .map((r) => ({
      grant: String((r.requestBody as Record<string, string>).grant_type),
      status: r.status,
      region: r.region,
      body: r.responseBody,
    }))
    .filter((g) => type === undefined || g.grant === type);
}

describe('concur auth: company token lifecycle', () => {
  it('exchanges the request token once, then persists the rotated refresh token across a process restart', async () => {
    const e = await start();
    const dir = tempDir('concur-auth-');
    const url = `sqlite:${join(dir, 'state.db')}`;

    const store1 = await openStateStore({ url, secretKey: 'a'.repeat(64) });
    const first = await openAgainst(e, { vault: store1.vault('concur') });
    await readAll(first, 'list-items', { list: 'Projects' });
    await first.close();
    const raw = (await store1.knex('sluice_credentials').select('ciphertext')) as { ciphertext: string }[];
    await store1.close();
    expect(grants(e).map((g) => g.grant)).toEqual(['password']);
    const issued = e.tokens.activeRefreshTokens();
    expect(issued).toHaveLength(1);
    expect(raw.map((r) => r.ciphertext).join()).not.toContain(issued[0]);

    e.expireAllTokens();
    const store2 = await openStateStore({ url, secretKey: 'a'.repeat(64) });
    const second = await openAgainst(e, { vault: store2.vault('concur') });
    await readAll(second, 'list-items', { list: 'Projects' });
    const stored = await store2.vault('concur').get<StoredCredential>(STORE_NAME);
    await store2.close();
    expect(grants(e).map((g) => g.grant)).toEqual(['password', 'refresh_token']);
    expect(stored?.value.refreshToken).toBe(e.tokens.activeRefreshTokens()[0]);
    expect(stored?.value.refreshToken).not.toBe(issued[0]);
    expect(stored?.value.geolocation).toBe(e.baseUrl);
    expect(stored?.version).toBe(2);
  });

  it('refreshes once and replays when a token expires mid-run (401 and 403)', async () => {
    for (const status of [401, 403] as const) {
      const e = await start({ expiredTokenStatus: status });
      const connection = await openAgainst(e);
      e.faults.add({ path: /\/api\/v3\.0\/expense\/reports\?.*offset=/, kind: 'expire-token' });
      const pages = await readAll(connection, 'expense-reports', { includeEntries: false }, { pageSize: 10 });
      expect(pages.flat()).toHaveLength(32);
      expect(grants(e).map((g) => g.grant)).toEqual(['password', 'refresh_token']);
      expect(e.count({ status })).toBe(1);
      await e.close();
      emu = undefined;
    }
  });

  it('follows OAuth error 16 to the data center the company lives in, and calls only that region', async () => {
    const e = await start({ companyRegion: 'eu' });
    const vault = memoryVault();
    const connection = await openAgainst(e, { vault, config: { authUrl: `${e.regions.us}/oauth2/v0/token` } });
    await readAll(connection, 'list-items', { list: 'Cost Centers' });
    expect(grants(e).map((g) => [g.region, g.status])).toEqual([
      ['us', 400],
      ['eu', 200],
    ]);
    expect((grants(e)[0]!.body as { code: number }).code).toBe(16);
    expect(e.find({ region: 'us' }).map((r) => r.path)).toEqual(['/oauth2/v0/token']);
    expect(e.count({ region: 'eu', path: '/list/v4/lists' })).toBeGreaterThan(0);
    expect((await vault.get<StoredCredential>(STORE_NAME))?.value.geolocation).toBe(e.regions.eu);
  });

  it('strips a path from geolocation and reads expires_in as a number', async () => {
    const e = await start({ geolocationStyle: 'token-url', expiresInAs: 'number', refreshExpiresInAs: 'string' });
    const connection = await openAgainst(e);
    await readAll(connection, 'vendors');
    expect(e.count({ method: 'GET', path: '/api/v3.1/invoice/vendors', status: 200 })).toBe(1);
    expect(e.count({ status: 404 })).toBe(0);
  });

  it('keeps one refresh in flight for parallel requests', async () => {
    const e = await start();
    const connection = await openAgainst(e);
    await readAll(connection, 'vendors');
    e.expireAllTokens();
    await Promise.all(Array.from({ length: 6 }, () => readAll(connection, 'vendors')));
    expect(grants(e, 'refresh_token')).toHaveLength(1);
  });

  it('refreshes ahead of expiry instead of waiting for a 401 (token lifetime on a clock shared with the emulator)', async () => {
    const clock = new ManualClock();
    const e = await start({ clock }); // 3600 s access tokens
    const session = new TokenSession({
      http: new HttpClient({ counter: new CallCounter(), logger: silentLogger(), timeoutMs: 5_000 }),
      config: resolveConfig(emulatorConfig(e)), // refresh ahead: 300 s
      store: new CredentialStore(memoryVault(), 'concur-test'),
      logger: silentLogger(),
      clock,
    });
    const first = await session.token();
    clock.advance(3_300_000 - 1); // just outside the refresh-ahead window
    expect((await session.token()).accessToken).toBe(first.accessToken);
    clock.advance(1);
    const second = await session.token();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.expiresAt).toBe(clock.now() + 3_600_000);
    expect(grants(e).map((g) => g.grant)).toEqual(['password', 'refresh_token']);
    // the old token had five minutes left: nothing was refused on the way
    expect((await api(e, first.accessToken, 'GET', '/list/v4/lists')).status).toBe(200);
    expect(e.count({ status: 401 })).toBe(0);
  });

  it('continues from a refresh token a parallel process rotated meanwhile (code 108, then the vault again)', async () => {
    const e = await start();
    const shared = memoryVault();
    const a = await openAgainst(e, { vault: shared });
    await readAll(a, 'vendors');
    const b = await openAgainst(e, { vault: shared });
    let raced = false;
    const racing: CredentialVault = {
      get: async <T>(name: string) => {
        const stale = await shared.get<T>(name);
        if (!raced) {
          raced = true;
          await readAll(b, 'vendors'); // B refreshes and rotates the token A is about to use
        }
        return stale;
      },
      put: (name, value, v) => shared.put(name, value, v),
      delete: (name) => shared.delete(name),
    };
    const c = await openAgainst(e, { vault: racing });
    await readAll(c, 'vendors');
    const refreshes = grants(e, 'refresh_token');
    expect(refreshes.map((g) => g.status)).toEqual([200, 400, 200]);
    expect((refreshes[1]!.body as { code: number }).code).toBe(108);
    expect((await shared.get<StoredCredential>(STORE_NAME))?.value.refreshToken).toBe(
      e.tokens.activeRefreshTokens().at(-1),
    );
  });

  it('fails with AuthError when the stored token is revoked and only a refresh token seed exists', async () => {
    const e = await start();
    const first = await openAgainst(e);
    await readAll(first, 'vendors');
    e.revokeRefreshTokens();
    const seed = e.tokens.activeRefreshTokens()[0] ?? 'revoked-seed';
    const connection = await openAgainst(e, { config: { requestToken: undefined, refreshToken: seed } });
    const err = await readAll(connection, 'vendors').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toMatch(/onboard again/);
    expect((err as AuthError).remoteCode).toBe('108');
  });

  it('re-exchanges the request token when the stored token is revoked, and prefers a new seed', async () => {
    const e = await start();
    const vault = memoryVault();
    await readAll(await openAgainst(e, { vault }), 'vendors');
    e.revokeRefreshTokens();
    e.expireAllTokens();
    await readAll(await openAgainst(e, { vault }), 'vendors');
    expect(grants(e).map((g) => `${g.grant}:${g.status}`)).toEqual([
      'password:200',
      'refresh_token:400',
      'password:200',
    ]);
    e.state.company.requestTokens.push('second-token');
    await readAll(await openAgainst(e, { vault, config: { requestToken: 'second-token' } }), 'vendors');
    expect(grants(e).at(-1)?.grant).toBe('password');
  });

  it('rejects bad client credentials with AuthError and never logs a secret', async () => {
    const e = await start();
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      format: 'json',
      destination: new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(chunk.toString()), cb()) }),
    });
    const ok = await openAgainst(e, { logger });
    e.faults.add({ path: '/list/v4/lists', kind: 'expire-token' });
    await readAll(ok, 'list-items', { list: 'Projects' });
    const bad = await openAgainst(e, { logger, config: { clientSecret: 'wrong-secret-value' } });
    const err = await readAll(bad, 'vendors').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).retryable).toBe(false);
    expect((err as AuthError).message).not.toContain('wrong-secret-value');
    const text = lines.join('');
    expect(text.length).toBeGreaterThan(100);
    for (const secret of [
      e.credentials.clientSecret,
      e.credentials.requestToken,
      'wrong-secret-value',
      ...e.tokens.issued,
      ...e.tokens.activeRefreshTokens(),
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
