/**
 * Reading a configuration text file (pipeline, connections.yaml, test file, JSONata module): refused
 * above a size bound before anything is parsed, decoded strictly as UTF-8 (a leading BOM is dropped),
 * and every problem is a diagnostic with the file's name and a position, never a thrown error.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Diagnostic } from './diagnostics.js';

/** The largest configuration file sluice reads: 1 MiB. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** `cause`: the file system's error, when reading failed. */
export type TextReadFailure = { ok: false; diagnostic: Diagnostic; cause?: unknown };
export type TextRead = { ok: true; text: string } | TextReadFailure;

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function problem(file: string, code: string, message: string, line = 1, col = 1): TextReadFailure {
  return { ok: false, diagnostic: { file, line, col, code, message, severity: 'error' } };
}

/**
 * Reads at most `limit + 1` bytes, so an oversized file (or a device that never ends) is not read
 * whole. The buffer starts at the size the file says it has (64 KiB for a pipe or a device, which
 * say 0) and grows only if the file does, so a small file costs a small buffer.
 */
function readBounded(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    let buf = Buffer.allocUnsafe(Math.min(stat.size > 0 ? stat.size + 1 : 64 * 1024, limit + 1));
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        if (len === limit + 1) break;
        const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, limit + 1));
        buf.copy(grown, 0, 0, len);
        buf = grown;
      }
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    return buf.subarray(0, len);
  } finally {
    closeSync(fd);
  }
}

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'file not found';
  if (e.code === 'EISDIR') return 'is a directory, not a file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied: the file cannot be read';
  return `cannot read the file: ${e.message}`;
}

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence (the start of the
 * ill-formed sequence), or -1. Same rules as TextDecoder: no overlong forms, no surrogates, at most U+10FFFF.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters of the decoded text, as YAML positions are) of byte `offset`. */
function positionOfByte(bytes: Uint8Array, offset: number, bomLength: number): { line: number; col: number } {
  let line = 1;
  let lineStart = bomLength;
  for (let i = bomLength; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // The bytes between the line start and the offset are well-formed: firstInvalidUtf8 found none before it.
  const col = strict.decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, col };
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The text of a configuration file, or the one diagnostic that says why it cannot be used. */
export function readConfigText(path: string, limit = MAX_CONFIG_FILE_BYTES): TextRead {
  let bytes: Buffer;
  try {
    bytes = readBounded(path, limit);
  } catch (err) {
    return { ...problem(path, 'FILE_UNREADABLE', describeReadError(err)), cause: err };
  }
  if (bytes.length > limit) {
    return problem(
      path,
      'FILE_TOO_LARGE',
      `the file is larger than ${mib(limit)} (${limit} bytes), the most sluice reads for a configuration file; split it or move data into a lookup`,
    );
  }
  const bomLength = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return { ok: true, text: strict.decode(bytes.subarray(bomLength)) };
  } catch {
    const found = firstInvalidUtf8(bytes.subarray(bomLength));
    const at = found < 0 ? bomLength : found + bomLength;
    const byte = bytes[at] ?? 0;
    const { line, col } = positionOfByte(bytes, at, bomLength);
    return problem(
      path,
      'FILE_INVALID_UTF8',
      `invalid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')} at byte offset ${at}); save the file as UTF-8`,
      line,
      col,
    );
  }
}
