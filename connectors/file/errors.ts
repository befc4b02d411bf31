/**
 * Errors of the file connector. File-system errors are classified by errno: the few that a retry
 * can fix (too many open files, busy, a stale or timed-out network mount) are retryable; missing
 * files, permissions, full disks and malformed content are not. A source row that cannot be read
 * carries one of the row codes below, whether it is reported as a rejected row or thrown.
 */
import { ConnectorError, RecordError, type SourceLocation } from '../../engine/errors.js';

/** Codes of rows that cannot be read (rejected rows, or the located error of the first one). */
export const ROW_CODES = {
  /** A CSV row with more or fewer fields than the header (or `csv.columns`). */
  csvFieldCount: 'FILE_CSV_FIELD_COUNT',
  /** A CSV quoting error: a quote inside an unquoted field, text after a closing quote, an unclosed quote. */
  csvQuote: 'FILE_CSV_QUOTE',
  /** Not valid JSON (a broken line, `NaN`, a trailing comma, an empty array element). */
  jsonInvalid: 'FILE_JSON_INVALID',
  /** Valid JSON, but not an object (a number, a string, an array...). */
  jsonNotObject: 'FILE_JSON_NOT_OBJECT',
  /** A number that does not fit a double (`1e999` would read as Infinity). */
  notFinite: 'FILE_NUMBER_NOT_FINITE',
  /** Objects and arrays nested deeper than the engine accepts. */
  tooDeep: 'FILE_TOO_DEEP',
  /** Bytes that are not UTF-8, in a file read as utf8. */
  invalidUtf8: 'FILE_INVALID_UTF8',
  /** Bytes above 0x7F, in a file read as ascii. */
  invalidAscii: 'FILE_INVALID_ASCII',
  /** A row longer than the connector buffers (it is reported and skipped, never held whole). */
  tooLong: 'FILE_ROW_TOO_LONG',
} as const;
export type RowCode = (typeof ROW_CODES)[keyof typeof ROW_CODES];

/** The file's structure is broken beyond the row (not a JSON array, an unterminated element). */
export const PARSE_ERROR = 'FILE_PARSE_ERROR';

/** A row that cannot be read: its code, what is wrong, and its key when that could still be read. */
export class DecodeError extends RecordError {
  constructor(code: RowCode, message: string, options: { cause?: unknown; recordKey?: string } = {}) {
    super(code, message, options);
  }
}

/** A malformed structure, at `index` in the buffer given to a splitter (made a located error by the scan). */
export class SplitError extends ConnectorError {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(PARSE_ERROR, message);
  }
}

/** How a file is named in messages and rejected-row locations (the path as the pipeline wrote it). */
export interface FileName {
  /** Absolute path (goes into `location.file`). */
  path: string;
  /** The path as written in the options, relative to the connection's baseDir. */
  name: string;
}

/** `name:line:col: message`, as a non-retryable ConnectorError carrying the location and the cause. */
export function locatedError(
  file: FileName,
  code: string,
  message: string,
  at: { line: number; col: number },
  options: { cause?: unknown; recordKey?: string } = {},
): ConnectorError {
  const location: SourceLocation = { file: file.path, line: at.line, col: at.col };
  return new ConnectorError(code, `${file.name}:${at.line}:${at.col}: ${message}`, { ...options, location });
}

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

/** Malformed file content: never retryable; carries the file location when known (see also `locatedError`). */
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
