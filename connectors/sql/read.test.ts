import { openConnection, type ResourceOpener } from '../../engine/connector/dispatch.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { SqlClient } from './client.js';
import { sqlConnector } from './index.js';
import { readKeyset } from './read.js';
import { tableRelation } from './relation.js';
import { parseSqlUrl } from './url.js';
import { BACKENDS, type TestDatabase } from './testing/databases.js';

describe.each(BACKENDS)('sql reads on $name', (backend) => {
  let db: TestDatabase;
  let conn: Connection & ResourceOpener;

  beforeAll(async () => {
    db = await backend.create();
    await db.admin.schema.createTable('items', (t) => {
      t.integer('id').primary();
      t.string('grp', 8).nullable();
      t.string('name', 40);
      t.dateTime('changed_at');
    });
    const rows = Array.from({ length: 250 }, (_, i) => ({
      id: i + 1,
      grp: i % 5 === 0 ? null : `g${i % 3}`,
      name: `item ${i + 1}`,
      changed_at: `2024-03-${String((i % 28) + 1).padStart(2, '0')} 08:00:00`,
    }));
    await db.admin.batchInsert('items', rows, 100);
    conn = await openConnection(sqlConnector, db.config, conformanceContext());
  });
  afterAll(async () => {
    await conn.close();
    await db.cleanup();
  });

  async function read(resource: string, options: DataRecord, request: ReadRequest = {}): Promise<DataRecord[][]> {
    const pages: DataRecord[][] = [];
    for await (const page of conn.source(resource, options).read(request)) pages.push(page);
    return pages;
  }

  it('pages by key with LIMIT and a keyset condition, never OFFSET', async () => {
    const client = new SqlClient(parseSqlUrl(db.config, '/'));
    const sql: string[] = [];
    client.knex.on('query', (q: { sql: string }) => sql.push(q.sql));
    const pages: DataRecord[][] = [];
    for await (const page of readKeyset(client, tableRelation({ table: 'items' }), { pageSize: 100 }, 'items'))
      pages.push(page);
    await client.close();
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat().map((r) => r.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(sql).toHaveLength(3);
    expect(sql.join(' ').toLowerCase()).not.toContain('offset');
    expect(sql[1]).toMatch(/> \?/);
  });

  it('orders by a non-unique, nullable column without losing or repeating rows at page boundaries', async () => {
    const pages = await read('table', { table: 'items', orderBy: 'grp', columns: ['name'] }, { pageSize: 7 });
    const rows = pages.flat();
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r.id)).size).toBe(250);
    expect(Object.keys(rows[0]!).sort()).toEqual(['grp', 'id', 'name']);
    expect(rows.slice(0, 50).every((r) => r.grp === null)).toBe(true);
    const groups = rows.map((r) => r.grp as string | null);
    expect(groups.slice(50)).toEqual([...groups.slice(50)].sort());
  });

  it('reads incrementally from since by the cursor column, inclusive', async () => {
    const rows = (
      await read('table', { table: 'items' }, { since: '2024-03-27 08:00:00', cursorField: 'changed_at', pageSize: 3 })
    ).flat();
    const expected = (await db.admin('items').where('changed_at', '>=', '2024-03-27 08:00:00').pluck('id')) as number[];
    expect(rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(expected.sort((a, b) => a - b));
    expect(rows.length).toBeGreaterThan(3);
    const changed = rows.map((r) => String(r.changed_at));
    expect(changed).toEqual([...changed].sort());
    // DATETIME values come back as the stored text, not as Dates in the process's time zone, so a
    // cursor taken from them compares with the column as it is.
    expect(
      rows.every((r) => typeof r.changed_at === 'string' && /^2024-03-\d\d \d\d:\d\d:\d\d$/.test(r.changed_at)),
    ).toBe(true);
  });

  it('applies where filters (null matches NULL) and keeps values out of the SQL text', async () => {
    expect((await read('table', { table: 'items', where: { grp: null } })).flat()).toHaveLength(50);
    const g1 = (await read('table', { table: 'items', where: { grp: 'g1' } })).flat();
    expect(g1.length).toBeGreaterThan(0);
    expect(g1.every((r) => r.grp === 'g1')).toBe(true);
    expect((await read('table', { table: 'items', where: { grp: "g1' or '1'='1" } })).flat()).toEqual([]);
  });

  it('runs a query with named bindings, paged by its key column', async () => {
    const options = {
      sql: 'select id, name from items where grp = :grp and id <= :max;',
      params: { grp: 'g2', max: 100 },
    };
    const pages = await read('query', options, { pageSize: 10 });
    const expected = (await db.admin('items').where('grp', 'g2').andWhere('id', '<=', 100).pluck('id')) as number[];
    expect(pages.flat().map((r) => r.id)).toEqual(expected.sort((a, b) => a - b));
    expect(pages.length).toBeGreaterThan(1);
    const injected = await read('query', {
      sql: 'select id from items where name = :name',
      params: { name: "x' or '1'='1" },
    });
    expect(injected.flat()).toEqual([]);
  });

  it('quotes identifiers instead of executing them', async () => {
    const err = await read('table', { table: 'items; drop table items' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SQL_ERROR', retryable: false });
    expect(await db.admin.schema.hasTable('items')).toBe(true);
  });

  it('says which option to set when the rows have no key column to page by', async () => {
    const err = await read('query', { sql: 'select name from items' }, { pageSize: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SQL_UNKNOWN_COLUMN', retryable: false });
    expect((err as Error).message).toMatch(/key column "id".*set the `key` option/);
    expect(
      (await read('query', { sql: 'select name, id * 2 as k from items', key: 'k' }, { pageSize: 100 })).flat(),
    ).toHaveLength(250);
  });
});

describe('sql on a missing SQLite file', () => {
  it('fails with SQL_DATABASE_NOT_FOUND and does not create the file', async () => {
    const file = join(tempDir('sluice-sql-missing-'), 'nope.db');
    const conn = await openConnection(sqlConnector, { url: `sqlite:${file}` }, conformanceContext());
    const read = async (): Promise<void> => {
      for await (const page of conn.source('table', { table: 't' }).read({})) void page;
    };
    await expect(read()).rejects.toMatchObject({ code: 'SQL_DATABASE_NOT_FOUND', retryable: false });
    expect(existsSync(file)).toBe(false);
    await conn.close();
  });
});
