/**
 * The `sql` connector: SQLite (better-sqlite3) and MySQL/MariaDB (mysql2) through knex. A table
 * or a parameterised query as source and lookup (keyset-paged, incremental by a cursor column), a
 * table as target (upsert by the pipeline's key column, per-record outcomes, delete or deactivate).
 * SQL is never built from values: values are bindings, names are quoted identifiers.
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { Connection, ConnectorDefinition, DataRecord, SourceResource } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import type { SqlClient } from './client.js';
import { readKeyset } from './read.js';
import { queryRelation, tableRelation, type Relation } from './relation.js';
import { SqlTarget } from './target.js';
import { parseSqlUrl, type SqlConfig } from './url.js';

export type { SqlConfig } from './url.js';
export type { QueryOptions, TableOptions } from './relation.js';

/** An open sql connection: the client (knex pool) its resources read and write through. */
export interface SqlConnection extends Connection {
  readonly client: SqlClient;
  readonly signal: AbortSignal | undefined;
}

function keysetSource(conn: SqlConnection, relation: Relation, what: string): SourceResource {
  return { read: (request) => readKeyset(conn.client, relation, { signal: conn.signal, ...request }, what) };
}

export const sqlConnector: ConnectorDefinition<SqlConfig, SqlConnection> = {
  name: 'sql',
  description: 'SQL databases through knex: SQLite files and MySQL/MariaDB servers.',
  configSchema: loadJsonSchema(new URL('./config.schema.json', import.meta.url)),
  resources: {
    table: {
      description:
        'A table: keyset-paged reads (incremental by a cursor column), upserts by key, delete or deactivate.',
      roles: ['source', 'lookup', 'target'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./table.schema.json', import.meta.url)),
      capabilities: { bulkSize: 500, incremental: true, list: true, deleteActions: ['delete', 'deactivate'] },
      openSource: (conn, options: DataRecord) => keysetSource(conn, tableRelation(options), String(options.table)),
      openTarget(conn, options, binding) {
        if (binding.keyField === undefined)
          throw new ConfigError(
            'SQL_KEY_FIELD_REQUIRED',
            'sql table target: the target key must be a plain column, not an expression',
          );
        return new SqlTarget(conn.client, options, binding.keyField);
      },
    },
    query: {
      description: 'A parameterised SELECT (named :bindings), keyset-paged over its result.',
      roles: ['source', 'lookup'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./query.schema.json', import.meta.url)),
      capabilities: { incremental: true },
      openSource: (conn, options) => keysetSource(conn, queryRelation(options), 'query'),
    },
  },

  async open(config, context) {
    // knex (and its drivers) load when a connection opens, not when the definition is read (validate).
    const { SqlClient } = await import('./client.js');
    const client = new SqlClient(parseSqlUrl(config, context.baseDir), context.logger);
    return { client, signal: context.signal, stats: () => client.stats(), close: () => client.close() };
  },
};
