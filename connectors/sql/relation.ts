/**
 * What a resource reads from: a table (with its equality filters) or a parameterised query wrapped
 * as a derived table. Identifiers go through knex's identifier quoting; values are always bindings.
 */
import type { Knex } from 'knex';
import type { DataRecord } from '../../engine/connector/types.js';
import type { SqlQueryOptions, SqlTableOptions } from './config.generated.js';
import { ConfigError } from '../../engine/errors.js';

export type Scalar = string | number | boolean | null;

/** The `table` resource's options (generated from table.schema.json). */
export type TableOptions = SqlTableOptions;
/** The `query` resource's options (generated from query.schema.json). */
export type QueryOptions = SqlQueryOptions;

export interface Relation {
  /** Unique column that pages reads. */
  key: string;
  orderBy: string | undefined;
  columns: string[] | undefined;
  /** A fresh `select ... from <relation>` with the relation's filters. */
  select(knex: Knex): Knex.QueryBuilder;
}

export function applyWhere(q: Knex.QueryBuilder, where: Record<string, Scalar> | undefined): Knex.QueryBuilder {
  for (const [column, value] of Object.entries(where ?? {})) {
    if (value === null) q.whereNull(column);
    else q.where(column, value);
  }
  return q;
}

export function tableRef(knex: Knex, options: TableOptions): Knex.QueryBuilder {
  const q = knex.queryBuilder().from(options.table);
  return options.schema ? q.withSchema(options.schema) : q;
}

export function tableRelation(raw: DataRecord): Relation {
  const options = raw as unknown as TableOptions;
  if (typeof options.table !== 'string' || options.table === '')
    throw new ConfigError('SQL_OPTIONS_INVALID', 'sql table: option `table` is required');
  return {
    key: options.key ?? 'id',
    orderBy: options.orderBy,
    columns: options.columns,
    select: (knex) => applyWhere(tableRef(knex, options), options.where),
  };
}

export const DERIVED = 'sluice_q';

export function queryRelation(raw: DataRecord): Relation {
  const options = raw as unknown as QueryOptions;
  if (typeof options.sql !== 'string' || options.sql.trim() === '')
    throw new ConfigError('SQL_OPTIONS_INVALID', 'sql query: option `sql` is required');
  // The SQL text is configuration, not data: it is wrapped, and every value in it is a named binding.
  const sql = options.sql.trim().replace(/;\s*$/, '');
  return {
    key: options.key ?? 'id',
    orderBy: options.orderBy,
    columns: undefined,
    select: (knex) => knex.queryBuilder().from(knex.raw(`(${sql}) as ${DERIVED}`, { ...(options.params ?? {}) })),
  };
}
