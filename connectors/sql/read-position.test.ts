/**
 * Incremental reads from a compound (cursor, key) position: a table whose rows share timestamps
 * (3,333 rows per value, as in the 200k table with 60 values) is read again with the
 * position the engine keeps (`since` = the largest cursor read, `sinceKey` = the key of the last
 * row read at it), and only the rows that arrived since are read. Counts of rows, never time.
 */
import { openConnection, type ResourceOpener } from '../../engine/connector/dispatch.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { compareCursor, cursorValue } from '../../engine/plan/cursor.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { sqlConnector } from './index.js';
import { BACKENDS, type TestDatabase } from './testing/databases.js';

const PER_VALUE = 3_333;
const SIZES = { sqlite: 200_000, mariadb: 20_000 } as const;
const FIELD = 'changed_at';

const stamp = (minute: number): string =>
  `2024-03-01 ${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;

/** The position the engine keeps after a read: the largest cursor and the key of the last row read at it. */
function positionOf(rows: DataRecord[]): { since: string; sinceKey: string } {
  let since: string | undefined;
  let sinceKey: string | undefined;
  for (const r of rows) {
    const v = cursorValue(r[FIELD]);
    if (v !== undefined && (since === undefined || compareCursor(v, since) >= 0)) {
      since = v;
      sinceKey = String(r.id);
    }
  }
  return { since: since!, sinceKey: sinceKey! };
}

describe.each(BACKENDS)('sql incremental reads from a (cursor, key) position on $name', (backend) => {
  const size = SIZES[backend.name];
  const values = Math.round(size / PER_VALUE);
  let db: TestDatabase;
  let conn: Connection & ResourceOpener;
  let boundary: { since: string; sinceKey: string };

  async function read(request: ReadRequest, options: DataRecord = { table: 'events' }): Promise<DataRecord[]> {
    const rows: DataRecord[] = [];
    const source = conn.source(options.sql ? 'query' : 'table', options);
    for await (const page of source.read({ cursorField: FIELD, pageSize: 1000, ...request })) rows.push(...page);
    return rows;
  }
  const ids = (rows: DataRecord[]): number[] => rows.map((r) => Number(r.id));

  beforeAll(async () => {
    db = await backend.create();
    await db.admin.schema.createTable('events', (t) => {
      t.integer('id').primary();
      t.string('name', 40);
      t.dateTime(FIELD).nullable();
      t.index([FIELD, 'id']); // what an incremental source table should have: reads page in (cursor, key) order
    });
    // Ids in a scrambled order of time, so that key order and insertion order differ.
    const rows = Array.from({ length: size }, (_, i) => ({
      id: i + 1,
      name: `event ${i + 1}`,
      [FIELD]: stamp((i * 7) % values),
    }));
    await db.admin.batchInsert('events', rows, 250); // SQLite takes at most 500 terms in a compound select
    conn = await openConnection(sqlConnector, db.config, conformanceContext());
  }, 120_000);
  afterAll(async () => {
    await conn.close();
    await db.cleanup();
  });

  it('reads every row the first time, in (cursor, key) order', async () => {
    const first = await read({ since: stamp(0) });
    expect(first).toHaveLength(size);
    const order = first.map((r) => `${String(r[FIELD])} ${String(r.id).padStart(8, '0')}`);
    expect(order).toEqual([...order].sort());
    boundary = positionOf(first);
    expect(boundary.since).toBe(stamp(values - 1));
    const atBoundary = first.filter((r) => r[FIELD] === boundary.since);
    expect(atBoundary.length).toBeGreaterThanOrEqual(PER_VALUE);
    expect(boundary.sinceKey).toBe(String(Math.max(...ids(atBoundary))));
  });

  it('the second run reads only the rows that arrived since, not the rows sharing the boundary value', async () => {
    const atBoundary = await db.admin('events').where(FIELD, boundary.since).count({ n: '*' });
    const sharing = Number((atBoundary[0] as { n: number | string }).n);
    await db
      .admin('events')
      .insert([
        ...Array.from({ length: 5 }, (_, i) => ({ id: size + 1 + i, name: 'same second', [FIELD]: boundary.since })),
        ...Array.from({ length: 7 }, (_, i) => ({ id: size + 10 + i, name: 'later', [FIELD]: stamp(values + 1) })),
        { id: size + 20, name: 'no cursor', [FIELD]: null },
      ]);
    await db
      .admin('events')
      .where({ id: 1 })
      .update({ [FIELD]: stamp(values + 2) }); // an old row changed

    const second = await read(boundary);
    expect(second).toHaveLength(13);
    expect(ids(second)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => size + 1 + i),
      ...Array.from({ length: 7 }, (_, i) => size + 10 + i),
      1,
    ]);
    // Without the key (a pipeline with a lookback), every row sharing the value is read again.
    expect(await read({ since: boundary.since })).toHaveLength(sharing + 13);
    boundary = positionOf(second);
    expect(boundary).toEqual({ since: stamp(values + 2), sinceKey: '1' });
    expect(await read(boundary)).toHaveLength(0);
  });

  it('a row that arrives later with the boundary value and a lower key is only read without the key', async () => {
    await db.admin('events').insert({ id: 0, name: 'late, low key', [FIELD]: boundary.since });
    expect(await read(boundary)).toHaveLength(0);
    expect(ids(await read({ since: boundary.since }))).toEqual([0, 1]);
  });

  it('falls back to reading >= since when the boundary row is gone or has moved', async () => {
    await db
      .admin('events')
      .where({ id: 1 })
      .update({ [FIELD]: stamp(values + 3) });
    expect(ids(await read(boundary))).toEqual([0, 1]);
    await db.admin('events').where({ id: 1 }).delete();
    expect(ids(await read(boundary))).toEqual([0]);
  });

  it('reads a query the same way, and ignores the key when the read pages by another column', async () => {
    const sql = `select id, name, ${FIELD} from events where name <> :skip`;
    const position = { since: stamp(values - 1), sinceKey: String(size + 5) };
    const rows = await read(position, { sql, params: { skip: 'none' } });
    expect(rows.map((r) => r.name)).toEqual([...Array(7).fill('later'), 'late, low key']);
    const byName = await read(position, { sql, params: { skip: 'none' }, key: 'name' });
    expect(byName.length).toBeGreaterThan(PER_VALUE); // `sinceKey` is an `id`: not a position in (cursor, name) order
  });
});
