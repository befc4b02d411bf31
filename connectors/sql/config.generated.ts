/* Generated from connectors/sql/config.schema.json, connectors/sql/query.schema.json, connectors/sql/table.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * A SQL database through knex: SQLite (better-sqlite3) or MySQL/MariaDB (mysql2).
 */
export interface SqlConfig {
  /**
   * sqlite:<path> (relative to the directory of connections.yaml; the file must exist) or mysql://user:${env:DB_PASSWORD}@host:3306/database. A password in the URL must be a ${env:NAME} or ${file:path} reference, never literal; or leave it out and use `password`.
   */
  url: string;
  /**
   * Database password (overrides a password in the URL). A ${env:NAME} or ${file:path} reference; taken verbatim, no URL encoding needed.
   */
  password?: string;
  /**
   * Connection pool size (MySQL; SQLite always uses one connection).
   */
  pool?: {
    min?: number;
    max?: number;
  };
  /**
   * How long a statement waits for a lock before failing with a retryable error (SQLite busy_timeout; MySQL innodb_lock_wait_timeout, rounded up to whole seconds).
   */
  lockTimeoutMs?: number;
  /**
   * How long opening a connection may take before failing with a retryable error.
   */
  connectTimeoutMs?: number;
}

/**
 * A parameterised SELECT as source or lookup. Values are bound by name (:name), never spliced into the SQL; reads are keyset-paged over the query's result.
 */
export interface SqlQueryOptions {
  /**
   * One SELECT statement. Refer to parameters as :name (values) or :name: (identifiers).
   */
  sql: string;
  /**
   * Values of the :name parameters.
   */
  params?: {
    [k: string]: string | number | boolean | null;
  };
  /**
   * Unique, non-null column of the result that pages reads. Incremental reads order by (cursor, key): index the two columns together. When this column is `id` and the pipeline has no `lookback`, a run starts after the cursor value and key of the last row the previous run read, so rows sharing that value are not read again; a row that appears later with that value and a lower key is read only with a `lookback` (or once its cursor moves on).
   */
  key?: string;
  /**
   * Result column to read in order of (then by key).
   */
  orderBy?: string;
}

/**
 * A table as source (keyset-paged, incremental by a cursor column), lookup, or target (upsert by the pipeline's key column).
 */
export interface SqlTableOptions {
  /**
   * Table name (quoted as an identifier, never spliced).
   */
  table: string;
  /**
   * Schema (MySQL database, SQLite attached database) of the table.
   */
  schema?: string;
  /**
   * Unique, non-null column that orders and pages reads (source and lookup). Incremental reads order by (cursor, key): index the two columns together. When this column is `id` and the pipeline has no `lookback`, a run starts after the cursor value and key of the last row the previous run read, so rows sharing that value are not read again; a row that appears later with that value and a lower key is read only with a `lookback` (or once its cursor moves on). A target uses the pipeline's key column instead.
   */
  key?: string;
  /**
   * Columns to read (default all). The key and cursor columns are always read.
   *
   * @minItems 1
   */
  columns?: [string, ...string[]];
  /**
   * Equality filters, column → value (null matches NULL). Reads, lookups and deletes see only matching rows; writes set these values.
   */
  where?: {
    [k: string]: string | number | boolean | null;
  };
  /**
   * Column to read in order of (then by key). An incremental read orders by its cursor column instead.
   */
  orderBy?: string;
  /**
   * Soft deletes: the deactivate action sets column to inactiveValue; creates and updates set activeValue unless the record gives one.
   */
  deactivate?: {
    column: string;
    inactiveValue: string | number | boolean;
    activeValue: string | number | boolean;
  };
}
