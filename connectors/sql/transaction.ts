/**
 * One write statement in an explicit transaction, reporting *when* it failed, because that decides
 * whether anything was applied:
 * - `before-commit`: connecting, BEGIN or the statement failed. Nothing is committed: the driver
 *   rolls back, and a connection lost before COMMIT is rolled back by the server.
 * - `commit-refused`: COMMIT failed and the transaction was still open (SQLite answers a COMMIT it
 *   cannot do, e.g. busy or a deferred constraint, that way); it is rolled back here. Nothing applied.
 * - `during-commit`: COMMIT was sent and no success came back (a lost connection, an error answer).
 *   The database may have committed: the write is in doubt.
 */
import type { Knex } from 'knex';

export type WriteTiming = 'before-commit' | 'commit-refused' | 'during-commit';

export type TransactionResult<T> =
  | { ok: true; value: T }
  /** `rollbackError`: rolling back after a failed COMMIT failed as well (then the timing stays `during-commit`). */
  | { ok: false; error: unknown; timing: WriteTiming; rollbackError?: unknown };

interface SqliteHandle {
  inTransaction: boolean;
  exec(sql: string): unknown;
}

interface MysqlHandle {
  destroy(): void;
}

function isSqlite(c: unknown): c is SqliteHandle {
  return typeof (c as SqliteHandle | undefined)?.inTransaction === 'boolean';
}

function isMysql(c: unknown): c is MysqlHandle {
  return typeof (c as MysqlHandle | undefined)?.destroy === 'function';
}

/** The driver connection a knex transaction runs on (its client hands out only that one). */
async function connectionOf(trx: Knex.Transaction): Promise<unknown> {
  return (trx as unknown as { client: { acquireConnection(): Promise<unknown> } }).client.acquireConnection();
}

/**
 * After a failed COMMIT: a transaction SQLite kept open is rolled back (then nothing was applied); a
 * MySQL connection is destroyed, so whatever state its transaction is in can never be committed by
 * a later statement on it (a BEGIN would commit it implicitly), and the server rolls back what is
 * still open. Knex has returned the connection to the pool by now; writes of one target are
 * sequential, so nothing else takes it in between.
 */
function settle(connection: unknown): WriteTiming {
  if (isSqlite(connection)) {
    if (!connection.inTransaction) return 'during-commit'; // SQLite ended it itself: committed or not
    connection.exec('ROLLBACK');
    return 'commit-refused';
  }
  if (isMysql(connection)) connection.destroy();
  return 'during-commit';
}

export async function inTransaction<T>(
  knex: Knex,
  statement: (trx: Knex.Transaction) => Promise<T>,
): Promise<TransactionResult<T>> {
  let committing = false;
  let statementError: unknown;
  let connection: unknown;
  try {
    const value = await knex.transaction(async (trx) => {
      connection = await connectionOf(trx);
      try {
        const result = await statement(trx);
        committing = true;
        return result;
      } catch (err) {
        statementError = err; // what failed, rather than a ROLLBACK on a connection that is gone
        throw err;
      }
    });
    return { ok: true, value };
  } catch (err) {
    if (!committing) return { ok: false, error: statementError ?? err, timing: 'before-commit' };
    try {
      return { ok: false, error: err, timing: settle(connection) };
    } catch (rollbackError) {
      return { ok: false, error: err, timing: 'during-commit', rollbackError };
    }
  }
}
