/**
 * The text of one row's bytes: decoded as the file's encoding, with invalid bytes found rather than
 * replaced. utf8 must be valid UTF-8 and ascii must stay below 0x80 (Node would silently turn them
 * into U+FFFD, or strip the high bit); latin1 maps every byte. `rawText` shows a row as read for a
 * rejected-row entry: capped, with invalid bytes escaped as \xNN.
 */
import { isAscii, isUtf8 } from 'node:buffer';

/** Characters of a row's raw text kept in a rejected-row entry. */
export const RAW_MAX_CHARS = 2000;
const ELLIPSIS = '…';

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
export function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = bytes[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Index of the first byte that is not valid in `encoding`, or -1 when the bytes are fine. */
export function firstInvalidByte(bytes: Buffer, encoding: BufferEncoding): number {
  if (encoding === 'utf8' || encoding === 'utf-8') {
    if (isUtf8(bytes)) return -1;
    for (let i = 0; i < bytes.length;) {
      const n = utf8SequenceLength(bytes, i);
      if (n === 0) return i;
      i += n;
    }
    return -1;
  }
  if (encoding === 'ascii') {
    if (isAscii(bytes)) return -1;
    return bytes.findIndex((b) => b >= 0x80);
  }
  return -1;
}

function hex(b: number): string {
  return `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The row as text for a rejected-row entry: at most RAW_MAX_CHARS characters, invalid bytes as \xNN. */
export function rawText(bytes: Buffer, encoding: BufferEncoding): string {
  // Every character takes at most 4 bytes: this many bytes always yield enough text.
  const cut = bytes.length > RAW_MAX_CHARS * 4;
  const head = cut ? bytes.subarray(0, RAW_MAX_CHARS * 4) : bytes;
  let text: string;
  if (firstInvalidByte(head, encoding) === -1) {
    text = head.toString(encoding);
  } else {
    const parts: string[] = [];
    const utf8 = encoding !== 'ascii';
    let start = 0;
    let i = 0;
    while (i < head.length) {
      const n = utf8 ? utf8SequenceLength(head, i) : head[i]! < 0x80 ? 1 : 0;
      if (n > 0) {
        i += n;
        continue;
      }
      // A sequence cut short by the cap is not an invalid byte: stop there.
      if (cut && head.length - i < 4) break;
      parts.push(head.toString(encoding, start, i), hex(head[i]!));
      start = ++i;
    }
    parts.push(head.toString(encoding, start, i));
    text = parts.join('');
  }
  if (!cut && text.length <= RAW_MAX_CHARS) return text;
  return `${text.slice(0, RAW_MAX_CHARS)}${ELLIPSIS}`;
}

/** Line and column (1-based, in characters) of byte `index` within `bytes` that start at line:col. */
export function positionIn(
  bytes: Buffer,
  index: number,
  start: { line: number; col: number },
  encoding: BufferEncoding,
): { line: number; col: number } {
  let { line, col } = start;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < index; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
    col = 1;
  }
  return { line, col: col + charCount(bytes, lineStart, index, encoding) };
}

/** Characters in bytes [from, to): every byte in latin1/ascii, every non-continuation byte in UTF-8. */
export function charCount(bytes: Uint8Array, from: number, to: number, encoding: BufferEncoding): number {
  if (encoding !== 'utf8' && encoding !== 'utf-8') return to - from;
  let n = 0;
  for (let i = from; i < to; i++) if ((bytes[i]! & 0xc0) !== 0x80) n++;
  return n;
}
