/**
 * One knex instance per connection, created without I/O (the pool connects on first use). Every
 * statement is counted (`stats()`; transaction control is not), every failure classified
 * (errors.ts). Writes run in a transaction of their own (`transact`), so a failure can say whether
 * it happened before COMMIT (nothing applied) or during it (in doubt). SQLite files must exist:
 * the connector never creates an empty database by accident.
 */
import { existsSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import type { ConnectionStats } from '../../engine/connector/types.js';
import { ConnectorError } from '../../engine/errors.js';
import type { Logger } from '../../engine/runtime/logger.js';
import { classifySqlError } from './errors.js';
import { inTransaction } from './transaction.js';
import type { SqlLocation } from './url.js';

const TRANSACTION_CONTROL = /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b/i;

export class SqlClient {
  readonly knex: Knex;
  private readonly calls: Record<string, number> = {};
  private checked = false;
  private closed: Promise<void> | undefined;

  constructor(
    readonly location: SqlLocation,
    private readonly logger?: Logger,
  ) {
    const log = (level: 'debug' | 'warn') => (message: unknown) =>
      logger?.[level]({ component: 'knex' }, String(message));
    this.knex = knexFactory({
      ...location.knexConfig,
      compileSqlOnError: false,
      // knex's own chatter (e.g. a failed pool connect) goes to the run's logger; the error itself is thrown.
      log: { warn: log('debug'), error: log('warn'), deprecate: log('debug'), debug: log('debug') },
    });
    this.knex.on('query', (q: { method?: string; sql?: string }) => {
      if (!q.method && TRANSACTION_CONTROL.test(q.sql ?? '')) return;
      const op = (q.method ?? 'raw').toLowerCase();
      this.calls[op] = (this.calls[op] ?? 0) + 1;
    });
  }

  get kind(): SqlLocation['kind'] {
    return this.location.kind;
  }

  private ready(): void {
    if (this.checked) return;
    const file = this.location.file;
    if (this.location.kind === 'sqlite' && file !== ':memory:' && file !== undefined && !existsSync(file)) {
      throw new ConnectorError('SQL_DATABASE_NOT_FOUND', `SQLite database ${file} does not exist`, {
        writeOutcome: 'not-applied',
      });
    }
    this.checked = true;
  }

  /** Runs `fn`, classifying any failure (`what` starts the error message). */
  async run<T>(
    what: string,
    fn: (knex: Knex) => Promise<T> | Knex.QueryBuilder | Knex.Raw,
    recordKey?: string,
  ): Promise<T> {
    if (this.closed) throw this.closedError(what);
    try {
      this.ready();
      return (await fn(this.knex)) as T;
    } catch (err) {
      throw classifySqlError(err, what, recordKey);
    }
  }

  /** Runs the write `fn` in a transaction of its own; a failure says whether it may have been committed. */
  async transact<T>(
    what: string,
    fn: (trx: Knex.Transaction) => Promise<T> | Knex.QueryBuilder,
    recordKey?: string,
  ): Promise<T> {
    if (this.closed) throw this.closedError(what);
    this.ready();
    const result = await inTransaction(this.knex, async (trx) => (await fn(trx)) as T);
    if (result.ok) return result.value;
    if (result.rollbackError !== undefined)
      this.logger?.warn(
        { component: 'sql', err: String(result.rollbackError) },
        `${what}: rolling back after a failed COMMIT failed too`,
      );
    throw classifySqlError(result.error, what, recordKey, result.timing);
  }

  private closedError(what: string): ConnectorError {
    return new ConnectorError('SQL_CLOSED', `${what}: the connection is closed`, { writeOutcome: 'not-applied' });
  }

  stats(): ConnectionStats {
    return { apiCalls: Object.values(this.calls).reduce((a, b) => a + b, 0), calls: { ...this.calls } };
  }

  close(): Promise<void> {
    this.closed ??= this.knex.destroy();
    return this.closed;
  }
}
