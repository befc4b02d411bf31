/**
 * Errors of the file connector. File-system errors are classified by errno: the few that a retry
 * can fix (too many open files, busy, a stale or timed-out network mount) are retryable; missing
 * files, permissions, full disks and malformed content are not.
 */
import { ConnectorError, RecordError, type SourceLocation } from '../../engine/errors.js';

const RETRYABLE_ERRNO = new Set([
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EBUSY',
  'EINTR',
  'ETIMEDOUT',
  'ESTALE',
  'ECONNRESET',
  'EIO',
]);

const ERRNO_CODES: Record<string, string> = {
  ENOENT: 'FILE_NOT_FOUND',
  EACCES: 'FILE_ACCESS_DENIED',
  EPERM: 'FILE_ACCESS_DENIED',
  EROFS: 'FILE_ACCESS_DENIED',
  EISDIR: 'FILE_IS_DIRECTORY',
  ENOTDIR: 'FILE_NOT_FOUND',
  ENOSPC: 'FILE_DISK_FULL',
  EDQUOT: 'FILE_DISK_FULL',
};

/** Wraps a file-system error (anything with an errno `code`) into a ConnectorError. */
export function fileError(err: unknown, path: string, action: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const retryable = errno !== undefined && RETRYABLE_ERRNO.has(errno);
  const code = (errno && ERRNO_CODES[errno]) ?? (retryable ? 'FILE_UNAVAILABLE' : 'FILE_ERROR');
  const reason = err instanceof Error ? err.message : String(err);
  return new ConnectorError(code, `cannot ${action} ${path}: ${reason}`, { cause: err, retryable, remoteCode: errno });
}

/** Malformed file content: never retryable; carries the file location when known. */
export function parseError(
  path: string,
  message: string,
  location?: { line: number; col: number },
  cause?: unknown,
): ConnectorError {
  const at: SourceLocation | undefined = location ? { file: path, ...location } : undefined;
  const where = at ? `${path}:${at.line}:${at.col}` : path;
  return new ConnectorError('FILE_PARSE_ERROR', `${where}: ${message}`, { location: at, cause });
}

/** A record the target cannot store (not serialisable, no key, unknown CSV column...): it fails alone. */
export function recordError(code: string, key: string, message: string, cause?: unknown): RecordError {
  return new RecordError(code, message, { recordKey: key, cause });
}
