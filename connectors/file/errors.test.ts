import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../engine/errors.js';
import { fileError, parseError } from './errors.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: boom`), { code });
}

describe('file errors', () => {
  it('makes transient file-system errors retryable and the rest final', () => {
    for (const code of ['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'ETIMEDOUT', 'ESTALE']) {
      expect(fileError(errno(code), '/x', 'read')).toMatchObject({
        retryable: true,
        remoteCode: code,
        code: 'FILE_UNAVAILABLE',
      });
    }
    expect(fileError(errno('ENOENT'), '/x', 'open')).toMatchObject({ retryable: false, code: 'FILE_NOT_FOUND' });
    expect(fileError(errno('EACCES'), '/x', 'open')).toMatchObject({ retryable: false, code: 'FILE_ACCESS_DENIED' });
    expect(fileError(errno('ENOSPC'), '/x', 'append to')).toMatchObject({ retryable: false, code: 'FILE_DISK_FULL' });
    expect(fileError(new Error('odd'), '/x', 'read')).toMatchObject({ retryable: false, code: 'FILE_ERROR' });
  });

  it('keeps the cause and an existing ConnectorError', () => {
    const cause = errno('EBUSY');
    const err = fileError(cause, '/data/a.csv', 'read');
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('cannot read /data/a.csv: EBUSY: boom');
    const located = parseError('/a.jsonl', 'invalid JSON', { line: 3, col: 1 });
    expect(located).toBeInstanceOf(ConnectorError);
    expect(located.message).toBe('/a.jsonl:3:1: invalid JSON');
    expect(fileError(located, '/a.jsonl', 'read')).toBe(located);
  });
});
