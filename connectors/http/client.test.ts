import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../engine/errors.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { keys, openAgainst, readAll } from './test-helpers.js';
import { startTestServer, type TestServer } from './test-support.js';

describe('retries, Retry-After and the rate limit (injected clock: nothing waits for real)', () => {
  let server: TestServer;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
    server = await startTestServer(clock);
    server.seed(['a', 'b', 'c'].map((externalId) => ({ externalId })));
  });
  afterAll(() => server.close());

  const config = { retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 60_000 } };

  it('a 429 waits as long as Retry-After says (seconds, and an HTTP date), then succeeds', async () => {
    const conn = await openAgainst(server, config, { clock });
    const at = new Date(clock.now() + 30_000).toUTCString();
    server.fail(
      'GET',
      '/items',
      { kind: 'status', status: 429, retryAfter: '7' },
      { kind: 'status', status: 503, retryAfter: at },
    );
    const slept = clock.slept;
    expect(keys(await readAll(conn, { path: 'items' }))).toEqual(['a', 'b', 'c']);
    // 7 s, then until the date: 30 s after the start, 23 s after the first wait.
    expect(clock.slept - slept).toBe(30_000);
    expect(conn.stats().apiCalls).toBe(3);
  });

  it('configured statuses back off exponentially; others fail at once, not retryable', async () => {
    const conn = await openAgainst(server, { retry: { ...config.retry, statuses: [502] } }, { clock });
    server.fail('GET', '/items', { kind: 'status', status: 502 }, { kind: 'status', status: 502 });
    const slept = clock.slept;
    await readAll(conn, { path: 'items' });
    // Full jitter: between half and all of 100 ms, then of 200 ms.
    expect(clock.slept - slept).toBeGreaterThanOrEqual(150);
    expect(clock.slept - slept).toBeLessThanOrEqual(300);

    server.fail('GET', '/items', { kind: 'status', status: 503 });
    const err = (await readAll(conn, { path: 'items' }).catch((e: unknown) => e)) as SluiceError;
    expect(err).toBeInstanceOf(SluiceError);
    expect([err.code, err.retryable, err.status]).toEqual(['HTTP_UNAVAILABLE', false, 503]);
  });

  it('gives up after the configured attempts with a retryable error the engine can act on', async () => {
    const conn = await openAgainst(server, { retry: { ...config.retry, attempts: 2 } }, { clock });
    const before = server.requests('GET', '/items').length;
    server.fail(
      'GET',
      '/items',
      ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '1' })),
    );
    const err = (await readAll(conn, { path: 'items' }).catch((e: unknown) => e)) as SluiceError;
    expect([err.code, err.retryable, err.retryAfterMs]).toEqual(['HTTP_RATE_LIMITED', true, 1000]);
    expect(server.requests('GET', '/items').length - before).toBe(2);
    await readAll(conn, { path: 'items' }); // the leftover fault
  });

  it('a create refused before processing (429) is sent again; one that failed after (500) never is', async () => {
    const conn = await openAgainst(server, config, { clock });
    const target = conn.target!('records', { path: 'items' }, { keyField: 'externalId', mode: 'create' });
    server.fail('POST', '/items', { kind: 'status', status: 429, retryAfter: '2' });
    const [ok] = await target.write([{ op: 'create', key: 'r1', record: { externalId: 'r1' } }]);
    expect(ok).toMatchObject({ ok: true });
    expect(server.requests('POST', '/items')).toHaveLength(2);

    server.fail('POST', '/items', { kind: 'status', status: 500 });
    const [bad] = await target.write([{ op: 'create', key: 'r2', record: { externalId: 'r2' } }]);
    expect(bad?.ok).toBe(false);
    expect([bad?.error?.code, bad?.error?.writeOutcome]).toEqual(['HTTP_SERVER_ERROR', 'unknown']);
    expect(server.requests('POST', '/items')).toHaveLength(3);
  });

  it('the rate limit lets at most `requests` calls start in any window', async () => {
    const conn = await openAgainst(server, { rateLimit: { requests: 2, perMs: 1000 } }, { clock });
    const mark = server.events.mark();
    const started = clock.now();
    for (let i = 0; i < 7; i++) await readAll(conn, { path: 'items' });
    const times = server.events.all('request', undefined, mark).map((e) => e.at - started);
    expect(times).toHaveLength(7);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2);
    expect(times.at(-1)).toBe(3000); // 7 calls at 2 per second: the 7th starts in the fourth second
  });
});
