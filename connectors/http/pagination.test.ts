import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/runtime/clock.js';
import { nextFromLinkHeader } from './pagination.js';
import { keys, openAgainst, readAll } from './test-helpers.js';
import { startTestServer, type TestServer } from './test-support.js';

const KEYS = ['a', 'b', 'c', 'd', 'e'];

describe('pagination styles', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(new ManualClock());
    server.seed(KEYS.map((k, i) => ({ externalId: k, updatedAt: `2026-01-0${i + 1}` })));
  });
  afterAll(() => server.close());

  const styles = [
    {
      name: 'next link',
      options: {
        path: 'next/items',
        records: 'data',
        pagination: { style: 'next-link', next: 'links.next', limitParam: 'limit', limit: 2 },
      },
    },
    {
      name: 'offset/limit (short last page)',
      options: { path: 'offset/items', pagination: { style: 'offset', limit: 2 } },
    },
    {
      name: 'offset/limit with total',
      options: { path: 'offset/items', pagination: { style: 'offset', limit: 5, total: 'total' } },
    },
    {
      name: 'page number with totalPages',
      options: { path: 'page/items', pagination: { style: 'page', limit: 2, totalPages: 'totalPages' } },
    },
    { name: 'page number (short last page)', options: { path: 'page/items', pagination: { style: 'page', limit: 2 } } },
    {
      name: 'cursor token',
      options: {
        path: 'cursor/items',
        records: 'data',
        pagination: { style: 'cursor', cursor: 'meta.nextCursor', limitParam: 'limit', limit: 2 },
      },
    },
    {
      name: 'Link header',
      options: { path: 'link/items', pagination: { style: 'link-header', limitParam: 'limit', limit: 2 } },
    },
  ];

  for (const { name, options } of styles) {
    it(`${name}: every record once, in order, one request per page`, async () => {
      const conn = await openAgainst(server);
      const before = server.requests('GET').length;
      const pages = await readAll(conn, options);
      expect(keys(pages)).toEqual(KEYS);
      const limit = (options.pagination as { limit: number }).limit;
      const requests = server.requests('GET').length - before;
      // Pages of `limit`, plus one empty request where only a short page can tell the end.
      expect(requests).toBeGreaterThanOrEqual(Math.ceil(KEYS.length / limit));
      expect(requests).toBeLessThanOrEqual(Math.ceil(KEYS.length / limit) + 1);
      expect(conn.stats().apiCalls).toBe(requests);
    });
  }

  it('one page: the body is the array of records', async () => {
    const conn = await openAgainst(server);
    expect(keys(await readAll(conn, { path: 'items' }))).toEqual(KEYS);
  });

  it('the requested page size goes to the API and bounds every page', async () => {
    const conn = await openAgainst(server);
    const mark = server.events.mark();
    const pages = await readAll(
      conn,
      { path: 'offset/items', pagination: { style: 'offset', limit: 100 } },
      { pageSize: 3 },
    );
    expect(pages.map((p) => p.length)).toEqual([3, 2]);
    expect(server.events.all('request', undefined, mark)[0]?.query).toMatchObject({ limit: '3', offset: '0' });
  });

  it('incremental: the cursor goes out as the configured parameter, and earlier records are dropped anyway', async () => {
    const conn = await openAgainst(server);
    const mark = server.events.mark();
    const request = { since: '2026-01-04', cursorField: 'updatedAt' };
    expect(keys(await readAll(conn, { path: 'items', incremental: { param: 'updatedSince' } }, request))).toEqual([
      'd',
      'e',
    ]);
    expect(server.events.all('request', undefined, mark)[0]?.query).toEqual({ updatedSince: '2026-01-04' });
    expect(keys(await readAll(conn, { path: 'items' }, request))).toEqual(['d', 'e']);
  });

  it('a body without records says which option to set', async () => {
    const conn = await openAgainst(server);
    await expect(readAll(conn, { path: 'items/by-key/a' })).rejects.toThrow(/set the records option/);
  });

  it('a next link that repeats an earlier request stops the read instead of looping', async () => {
    const conn = await openAgainst(server);
    const options = {
      path: 'cursor/items',
      records: 'data',
      pagination: { style: 'next-link', next: "'/cursor/items'" },
    };
    await expect(readAll(conn, options)).rejects.toThrow(/repeats an earlier request/);
  });

  it('parses Link headers', () => {
    expect(nextFromLinkHeader('<https://x/a?page=2>; rel="next", <https://x/a?page=9>; rel="last"')).toBe(
      'https://x/a?page=2',
    );
    expect(nextFromLinkHeader('<https://x/a?page=1>; rel="prev first"')).toBeUndefined();
    expect(nextFromLinkHeader('</a?p=3>; title="x"; rel=next')).toBe('/a?p=3');
    expect(nextFromLinkHeader(undefined)).toBeUndefined();
  });
});
