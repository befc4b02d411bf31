/**
 * Keyset-paged reads (never OFFSET): each page is `... where (order, key) > (last order, last key)
 * order by order, key limit n`, so a large table streams at a constant cost per page. With `since`
 * and `cursorField`, rows with cursor >= since, ordered by the cursor column, then the key. NULLs
 * sort first (as in MySQL and SQLite) and are paged past explicitly; an incremental read never
 * returns a row whose cursor is NULL.
 *
 * With `sinceKey` as well (the engine passes it when the pipeline has no lookback), the read starts
 * after the compound position (since, sinceKey): `(cursor, key) > (since, sinceKey)`, so the rows
 * that share the boundary value and were read last time are not read again. This assumes rows
 * arrive in (cursor, key) order: a row that appears later with the same cursor value as the
 * position and a lower key is only read with a lookback (or once its cursor moves). The position is
 * only taken when the boundary row is still there, with that cursor value (`startAfter`): its key
 * is then bound with the type the database gave it; otherwise the read falls back to `>= since`.
 */
import type { Knex } from 'knex';
import type { DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { ConnectorError } from '../../engine/errors.js';
import type { SqlClient } from './client.js';
import type { Relation } from './relation.js';

export const DEFAULT_PAGE_SIZE = 1000;

/** The resources' key field (`ResourceDefinition.key`): the engine's `sinceKey` is a value of this field. */
export const RESOURCE_KEY = 'id';

interface Position {
  order: unknown;
  key: unknown;
}

function after(q: Knex.QueryBuilder, order: string | undefined, key: string, last: Position): void {
  if (order === undefined) {
    q.where(key, '>', last.key as Knex.Value);
  } else if (last.order === null || last.order === undefined) {
    q.where((b) => b.where((n) => n.whereNull(order).andWhere(key, '>', last.key as Knex.Value)).orWhereNotNull(order));
  } else {
    // `order >= v and (order > v or key > k)`: the same rows as `(order, key) > (v, k)`, in a form
    // that lets SQLite and MariaDB start an index range on (order, key) at v rather than scan from the start.
    const v = last.order as Knex.Value;
    q.where(order, '>=', v).andWhere((b) => b.where(order, '>', v).orWhere(key, '>', last.key as Knex.Value));
  }
}

const UNKNOWN_COLUMN = /ER_BAD_FIELD_ERROR|^SQLITE_ERROR$/;

/** A missing column in a read usually means the paging key or order column: say which option to set. */
function unknownColumnHint(err: unknown, key: string, order: string | undefined): unknown {
  const e = err as ConnectorError;
  if (!(e instanceof ConnectorError) || !UNKNOWN_COLUMN.test(e.remoteCode ?? '') || !/column/i.test(e.message))
    return err;
  const ordered = order !== undefined && order !== key ? ` and orders by "${order}"` : '';
  return new ConnectorError(
    'SQL_UNKNOWN_COLUMN',
    `${e.message} (reads page by the key column "${key}"${ordered}; set the \`key\` option to a unique column)`,
    { cause: err, remoteCode: e.remoteCode },
  );
}

function columnsFor(relation: Relation, order: string | undefined): string[] | undefined {
  if (!relation.columns) return undefined;
  return [...new Set([...relation.columns, relation.key, ...(order ? [order] : [])])];
}

/**
 * Where a read with `sinceKey` starts: after the boundary row, with its cursor and key as the
 * database returns them (a key bound as text would not compare with an untyped SQLite column
 * holding integers). Undefined (read `>= since`) when there is no compound position to start
 * after: no `sinceKey`, a relation paged by another column than the one `sinceKey` is a value of,
 * or a boundary row that is gone or moved.
 */
async function startAfter(
  client: SqlClient,
  relation: Relation,
  request: ReadRequest,
  what: string,
): Promise<Position | undefined> {
  const { since, sinceKey, cursorField } = request;
  if (since === undefined || sinceKey === undefined || cursorField === undefined) return undefined;
  if (relation.key !== RESOURCE_KEY) return undefined;
  const key = relation.key;
  request.signal?.throwIfAborted();
  const rows = await client.run<DataRecord[]>(`read ${what}`, (knex) =>
    relation
      .select(knex)
      .select([...new Set([cursorField, key])])
      .where(cursorField, since)
      .andWhere(key, sinceKey)
      .limit(2),
  );
  // Exact only: a case-insensitive collation may return 'ABC' for 'abc'.
  const row = rows.find((r) => r[key] !== null && r[key] !== undefined && String(r[key]) === sinceKey);
  return row ? { order: row[cursorField], key: row[key] } : undefined;
}

export async function* readKeyset(
  client: SqlClient,
  relation: Relation,
  request: ReadRequest,
  what: string,
): AsyncGenerator<DataRecord[]> {
  const pageSize = Math.max(1, request.pageSize ?? DEFAULT_PAGE_SIZE);
  const incremental = request.since !== undefined && request.cursorField !== undefined;
  const order = incremental ? request.cursorField : relation.orderBy;
  const columns = columnsFor(relation, order);
  const key = relation.key;
  let last: Position | undefined = incremental
    ? await startAfter(client, relation, request, what).catch((err: unknown) => {
        throw unknownColumnHint(err, key, order);
      })
    : undefined;
  for (;;) {
    request.signal?.throwIfAborted();
    const rows = await client
      .run<DataRecord[]>(`read ${what}`, (knex) => {
        const q = relation.select(knex);
        if (columns) q.select(columns);
        else q.select('*');
        if (last) after(q, order, key, last);
        if (incremental && (last?.order === undefined || last.order === null))
          q.where(request.cursorField!, '>=', request.since!);
        q.orderBy(order !== undefined && order !== key ? [{ column: order }, { column: key }] : [{ column: key }]);
        return q.limit(pageSize);
      })
      .catch((err: unknown) => {
        throw unknownColumnHint(err, key, order);
      });
    if (rows.length > 0 && !(key in rows[0]!)) {
      throw new ConnectorError(
        'SQL_KEY_COLUMN_MISSING',
        `read ${what}: the rows have no column "${key}" to page by; set the \`key\` option to a unique column`,
      );
    }
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    const tail = rows[rows.length - 1]!;
    last = { order: order !== undefined ? tail[order] : undefined, key: tail[key] };
  }
}
