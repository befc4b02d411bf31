import { describe, expect, it } from 'vitest';
import { AuthError, ConnectorError } from '../../engine/errors.js';
import { classifySqlError } from './errors.js';

const driver = (props: Record<string, unknown>, message = 'boom'): Error => Object.assign(new Error(message), props);

describe('classifySqlError', () => {
  it('turns rejected credentials into AuthError', () => {
    const err = classifySqlError(driver({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, sqlState: '28000' }), 'connect');
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ code: 'AUTH_FAILED', retryable: false, remoteCode: 'ER_ACCESS_DENIED_ERROR' });
  });

  it('makes connection loss, deadlocks, lock timeouts and busy databases retryable', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ code: 'ECONNREFUSED' }, 'SQL_UNAVAILABLE'],
      [{ code: 'PROTOCOL_CONNECTION_LOST' }, 'SQL_UNAVAILABLE'],
      [{ code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001' }, 'SQL_DEADLOCK'],
      [{ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205, sqlState: 'HY000' }, 'SQL_LOCK_TIMEOUT'],
      [{ code: 'SQLITE_BUSY' }, 'SQL_BUSY'],
      [{ code: 'SQLITE_BUSY_SNAPSHOT' }, 'SQL_BUSY'],
      [{ name: 'KnexTimeoutError' }, 'SQL_UNAVAILABLE'],
      [{ code: 'ER_SOMETHING', sqlState: '08S01' }, 'SQL_UNAVAILABLE'],
    ];
    for (const [props, code] of cases)
      expect(classifySqlError(driver(props), 'read')).toMatchObject({ code, retryable: true });
  });

  it('keeps constraint violations and other errors final, with the driver message and record key', () => {
    const dup = classifySqlError(
      driver(
        { code: 'ER_DUP_ENTRY', sqlState: '23000', sqlMessage: "Duplicate entry 'a'" },
        "insert into `t` ... - Duplicate entry 'a'",
      ),
      'upsert into t',
      'a',
    );
    expect(dup).toBeInstanceOf(ConnectorError);
    expect(dup).toMatchObject({
      code: 'SQL_CONSTRAINT',
      retryable: false,
      recordKey: 'a',
      message: "upsert into t: Duplicate entry 'a'",
    });
    const notNull = classifySqlError(
      driver(
        { code: 'SQLITE_CONSTRAINT_NOTNULL' },
        'insert into `t` (`a`) values (?) - NOT NULL constraint failed: t.name',
      ),
      'upsert into t',
    );
    expect(notNull).toMatchObject({
      code: 'SQL_CONSTRAINT',
      message: 'upsert into t: NOT NULL constraint failed: t.name',
    });
    expect(classifySqlError(driver({ code: 'ER_NO_SUCH_TABLE', sqlState: '42S02' }), 'read t')).toMatchObject({
      code: 'SQL_ERROR',
      retryable: false,
    });
    expect(classifySqlError('odd', 'read')).toMatchObject({ code: 'SQL_ERROR', retryable: false });
  });

  it('says whether a write may have been committed, from when it failed', () => {
    const lost = driver({ code: 'PROTOCOL_CONNECTION_LOST' });
    const outcome = (err: Error, timing?: 'before-commit' | 'commit-refused' | 'during-commit') =>
      classifySqlError(err, 'upsert', undefined, timing).writeOutcome;
    expect(outcome(lost, 'before-commit')).toBe('not-applied');
    expect(outcome(lost, 'during-commit')).toBe('unknown');
    expect(outcome(lost)).toBe('unknown'); // timing not known
    const refused = driver({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(outcome(refused, 'commit-refused')).toBe('not-applied');
    expect(outcome(driver({ code: 'SQLITE_IOERR' }), 'during-commit')).toBe('unknown');
    // Rolled back, or never connected: nothing applied, whenever it happened.
    for (const props of [
      { code: 'ER_LOCK_DEADLOCK', sqlState: '40001' },
      { code: 'ER_LOCK_WAIT_TIMEOUT' },
      { code: 'SQLITE_BUSY' },
      { code: 'ECONNREFUSED' },
      { name: 'KnexTimeoutError' },
    ]) {
      expect(classifySqlError(driver(props), 'upsert', undefined, 'during-commit')).toMatchObject({
        retryable: true,
        writeOutcome: 'not-applied',
      });
    }
    expect(classifySqlError(lost, 'upsert', 'k', 'during-commit').message).toMatch(/during COMMIT/);
  });
});
