/**
 * Keyset-paged reads (never OFFSET): each page is `... where (order, key) > (last order, last key)
 * order by order, key limit n`, so a large table streams at a constant cost per page. With `since`
 * and `cursorField`, rows with cursor >= since, ordered by the cursor column. NULLs sort first (as
 * in MySQL and SQLite) and are paged past explicitly.
 */
import type { Knex } from 'knex';
import type { DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { ConnectorError } from '../../engine/errors.js';
import type { SqlClient } from './client.js';
import type { Relation } from './relation.js';

export const DEFAULT_PAGE_SIZE = 1000;

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
    const v = last.order as Knex.Value;
    q.where((b) => b.where(order, '>', v).orWhere((e) => e.where(order, v).andWhere(key, '>', last.key as Knex.Value)));
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
  let last: Position | undefined;
  for (;;) {
    request.signal?.throwIfAborted();
    const rows = await client
      .run<DataRecord[]>(`read ${what}`, (knex) => {
        const q = relation.select(knex);
        if (columns) q.select(columns);
        else q.select('*');
        if (incremental) q.where(request.cursorField!, '>=', request.since!);
        if (last) after(q, order, key, last);
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
