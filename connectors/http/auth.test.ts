import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../engine/errors.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { createLogger } from '../../engine/runtime/logger.js';
import type { HttpAuth } from './config.js';
import { keys, openAgainst, readAll } from './test-helpers.js';
import { startTestServer, type ServerAuth, type TestServer } from './test-support.js';

const OAUTH: ServerAuth = { type: 'oauth', clientId: 'sluice', clientSecret: 's3cr3t-value', expiresIn: 3600 };
const oauthConfig = (over: Partial<Extract<HttpAuth, { type: 'oauth2-client-credentials' }>> = {}): HttpAuth => ({
  type: 'oauth2-client-credentials',
  tokenUrl: '/oauth/token',
  clientId: 'sluice',
  clientSecret: 's3cr3t-value',
  ...over,
});

describe('auth', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  async function start(auth: ServerAuth, clock = new ManualClock()): Promise<TestServer> {
    server = await startTestServer(clock, auth);
    server.seed(['a', 'b', 'c'].map((externalId) => ({ externalId })));
    return server;
  }

  it('OAuth2 client credentials: one token call for many requests, a new one shortly before expiry', async () => {
    const clock = new ManualClock();
    const s = await start(OAUTH, clock);
    const conn = await openAgainst(s, { auth: oauthConfig({ refreshAheadSeconds: 60 }) }, { clock });
    for (let i = 0; i < 5; i++) expect(keys(await readAll(conn, { path: 'items' }))).toEqual(['a', 'b', 'c']);
    expect(s.events.all('token')).toHaveLength(1);
    expect(s.requests('GET', '/items').map((r) => r.authorization)).toEqual(Array(5).fill('Bearer tok-1'));

    clock.advance(3600_000 - 59_000); // inside the refresh-ahead window: fetched again before the API refuses it
    await readAll(conn, { path: 'items' });
    expect(s.events.all('token').map((e) => e.token)).toEqual(['tok-1', 'tok-2']);
    expect(s.requests('GET', '/items').at(-1)?.authorization).toBe('Bearer tok-2');
    expect(s.requests('GET', '/items')).toHaveLength(6); // no request was refused first
    expect(conn.stats().calls).toMatchObject({ 'POST oauth-token': 2 });
  });

  it('a token the API stops accepting (401) is replaced once and the request sent again', async () => {
    const clock = new ManualClock();
    const s = await start(OAUTH, clock);
    const conn = await openAgainst(s, { auth: oauthConfig() }, { clock });
    await readAll(conn, { path: 'items' });
    s.revokeTokens();
    expect(keys(await readAll(conn, { path: 'items' }))).toEqual(['a', 'b', 'c']);
    expect(s.events.all('token')).toHaveLength(2);
    expect(s.requests('GET', '/items').map((r) => r.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-2',
    ]);
  });

  it('client_secret_basic sends the credentials as HTTP basic', async () => {
    const s = await start(OAUTH);
    const conn = await openAgainst(s, { auth: oauthConfig({ clientAuthentication: 'basic' }) });
    expect(keys(await readAll(conn, { path: 'items' }))).toHaveLength(3);
    expect(s.requests('POST', '/oauth/token')[0]?.authorization).toMatch(/^Basic /);
  });

  it('refused client credentials are an AuthError that names the client, not the secret', async () => {
    const s = await start(OAUTH);
    const conn = await openAgainst(s, { auth: oauthConfig({ clientSecret: 'wrong-secret' }) });
    const err = await readAll(conn, { path: 'items' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toMatch(/client "sluice".*check clientId and clientSecret/);
    expect((err as AuthError).message).not.toMatch(/wrong-secret/);
    expect(s.events.all('token')).toHaveLength(0);
  });

  const fixed: [string, ServerAuth, HttpAuth][] = [
    [
      'API key header',
      { type: 'api-key', header: 'X-Api-Token', value: 'key-1' },
      { type: 'api-key', header: 'X-Api-Token', value: 'key-1' },
    ],
    ['basic', { type: 'basic', username: 'u', password: 'p@ss' }, { type: 'basic', username: 'u', password: 'p@ss' }],
    ['bearer from a reference', { type: 'bearer', token: 'tok-static' }, { type: 'bearer', token: 'tok-static' }],
  ];
  for (const [name, serverAuth, auth] of fixed) {
    it(`${name}: accepted when right, an AuthError when wrong`, async () => {
      const s = await start(serverAuth);
      const good = await openAgainst(s, { auth });
      expect(keys(await readAll(good, { path: 'items' }))).toHaveLength(3);
      const wrong = JSON.parse(JSON.stringify(auth).replace(/"(key-1|p@ss|tok-static)"/, '"nope"')) as HttpAuth;
      const bad = await openAgainst(s, { auth: wrong });
      await expect(readAll(bad, { path: 'items' })).rejects.toBeInstanceOf(AuthError);
    });
  }

  it('no secret or token reaches a log line, even at debug level', async () => {
    const s = await start(OAUTH);
    let logged = '';
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'debug', format: 'json', destination });
    const conn = await openAgainst(s, { auth: oauthConfig() }, { logger });
    await readAll(conn, { path: 'items' });
    await openAgainst(s, { auth: oauthConfig({ clientSecret: 'wrong-secret' }) }, { logger }).then((c) =>
      readAll(c, { path: 'items' }).catch(() => undefined),
    );
    expect(logged).toMatch(/http request/);
    expect(logged).not.toMatch(/s3cr3t-value|wrong-secret|tok-1/);
  });
});
