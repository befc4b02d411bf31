/**
 * Classifies database errors: rejected credentials → AuthError; a connection that cannot be made
 * or was lost, a deadlock, a lock wait timeout, SQLite busy → retryable; constraint violations,
 * missing tables or columns, syntax errors → final.
 *
 * For writes, also whether anything was applied (`writeOutcome`), from when the error happened
 * (transaction.ts): before COMMIT nothing was; a COMMIT refused and rolled back applied nothing; a
 * failure during COMMIT, or one whose timing is not known, may have been applied. Deadlocks, lock
 * wait timeouts, a busy SQLite and a connection that was never made applied nothing at any time.
 */
import { AuthError, ConnectorError, SluiceError, type WriteOutcomeKnowledge } from '../../engine/errors.js';
import type { WriteTiming } from './transaction.js';

interface DriverError {
  name?: string;
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
}

const AUTH = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  'ER_NOT_SUPPORTED_AUTH_MODE',
]);

const RETRYABLE: Record<string, string> = {
  ER_LOCK_DEADLOCK: 'SQL_DEADLOCK',
  ER_LOCK_WAIT_TIMEOUT: 'SQL_LOCK_TIMEOUT',
  SQLITE_BUSY: 'SQL_BUSY',
  SQLITE_LOCKED: 'SQL_BUSY',
  ECONNREFUSED: 'SQL_UNAVAILABLE',
  ECONNRESET: 'SQL_UNAVAILABLE',
  ETIMEDOUT: 'SQL_UNAVAILABLE',
  EPIPE: 'SQL_UNAVAILABLE',
  EHOSTUNREACH: 'SQL_UNAVAILABLE',
  ENETUNREACH: 'SQL_UNAVAILABLE',
  EAI_AGAIN: 'SQL_UNAVAILABLE',
  PROTOCOL_CONNECTION_LOST: 'SQL_UNAVAILABLE',
  PROTOCOL_SEQUENCE_TIMEOUT: 'SQL_UNAVAILABLE',
  ER_CON_COUNT_ERROR: 'SQL_UNAVAILABLE',
  ER_TOO_MANY_USER_CONNECTIONS: 'SQL_UNAVAILABLE',
  ER_SERVER_SHUTDOWN: 'SQL_UNAVAILABLE',
  ER_CONNECTION_KILLED: 'SQL_UNAVAILABLE',
  ER_CLIENT_INTERACTION_TIMEOUT: 'SQL_UNAVAILABLE',
};

/** Nothing is applied when these happen: the statement (or transaction) was rolled back, or never ran. */
const NEVER_APPLIED = new Set([
  'SQL_DEADLOCK',
  'SQL_LOCK_TIMEOUT',
  'SQL_BUSY',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
]);

function outcomeOf(
  errorCode: string,
  driverCode: string,
  knexTimeout: boolean,
  timing: WriteTiming | undefined,
): WriteOutcomeKnowledge {
  // A knex timeout is the pool's: no connection was acquired, so nothing was sent.
  if (NEVER_APPLIED.has(errorCode) || NEVER_APPLIED.has(driverCode) || knexTimeout) return 'not-applied';
  return timing === 'before-commit' || timing === 'commit-refused' ? 'not-applied' : 'unknown';
}

/** The driver's own message, without the SQL text knex puts in front of it. */
function driverMessage(e: DriverError): string {
  if (e.sqlMessage) return e.sqlMessage;
  const message = e.message ?? String(e);
  const cut = message.lastIndexOf(' - ');
  return cut === -1 ? message : message.slice(cut + 3);
}

export function classifySqlError(err: unknown, what: string, recordKey?: string, timing?: WriteTiming): SluiceError {
  if (err instanceof SluiceError) return err;
  const e = (err ?? {}) as DriverError;
  const code = e.code ?? '';
  const state = e.sqlState ?? '';
  const during = timing === 'during-commit' ? ' (during COMMIT: it may have been committed)' : '';
  const message = `${what}: ${driverMessage(e)}${during}`;
  const options = {
    cause: err,
    recordKey,
    remoteCode: code || undefined,
    details: state ? { sqlState: state, errno: e.errno } : undefined,
  };
  if (AUTH.has(code) || state === '28000') return new AuthError(message, options);
  const base = code.startsWith('SQLITE_BUSY')
    ? 'SQLITE_BUSY'
    : code.startsWith('SQLITE_LOCKED')
      ? 'SQLITE_LOCKED'
      : code;
  const knexTimeout = e.name === 'KnexTimeoutError';
  const retryCode =
    RETRYABLE[base] ??
    (knexTimeout || state.startsWith('08') ? 'SQL_UNAVAILABLE' : state === '40001' ? 'SQL_DEADLOCK' : undefined);
  const finalCode = state.startsWith('23') || code.startsWith('SQLITE_CONSTRAINT') ? 'SQL_CONSTRAINT' : 'SQL_ERROR';
  const errorCode = retryCode ?? finalCode;
  const writeOutcome = outcomeOf(errorCode, base, knexTimeout, timing);
  return new ConnectorError(errorCode, message, { ...options, retryable: retryCode !== undefined, writeOutcome });
}
