/**
 * Streams a file as record spans: reads fixed-size chunks, lets a Splitter find the records, and
 * yields them per chunk with their absolute byte offsets. Memory stays at about two chunks, whatever
 * the file size (a record larger than a chunk is carried over until it is complete).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fileError, parseError } from './errors.js';
import { SplitError, type Splitter } from './split.js';

export interface Span {
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  bytes: Buffer;
}

export const CHUNK_SIZE = 1 << 16;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface ScanOptions {
  /** Byte offset to start at (a record boundary); default 0. */
  start?: number;
  chunkSize?: number;
  signal?: AbortSignal;
}

/** Line and column (1-based) of a byte offset, for error messages; reads the file up to there. */
export async function locate(path: string, offset: number): Promise<{ line: number; col: number }> {
  let line = 1;
  let lineStart = 0;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK_SIZE);
      for (let pos = 0; pos < offset;) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK_SIZE, offset - pos), pos);
        if (bytesRead === 0) break;
        for (let i = buf.indexOf(0x0a, 0); i !== -1 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) {
          line++;
          lineStart = pos + i + 1;
        }
        pos += bytesRead;
      }
    } finally {
      await fh.close();
    }
  } catch {
    // best effort: the caller reports the parse error anyway
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Record spans of the file, a batch per chunk read. The spans' bytes live in a buffer the next
 * read reuses: decode or copy them before asking for the next batch.
 */
export async function* scanFile(path: string, splitter: Splitter, options: ScanOptions = {}): AsyncGenerator<Span[]> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fileError(err, path, 'open');
  }
  try {
    let pos = options.start ?? 0;
    let buf = Buffer.allocUnsafe(chunkSize * 2);
    let length = 0; // valid bytes in buf
    let bufOffset = pos; // file offset of buf[0]
    for (;;) {
      options.signal?.throwIfAborted();
      if (buf.length - length < chunkSize) {
        // A record longer than a chunk: grow, keeping the unfinished part.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, length, chunkSize, pos));
      } catch (err) {
        throw fileError(err, path, 'read');
      }
      pos += bytesRead;
      length += bytesRead;
      const final = bytesRead === 0;
      const view = buf.subarray(0, length);
      const from = bufOffset === 0 && view.subarray(0, 3).equals(BOM) ? 3 : 0;
      let spans: [number, number][];
      let rest: number;
      try {
        ({ spans, rest } = splitter.split(view, from, final));
      } catch (err) {
        if (!(err instanceof SplitError)) throw err;
        throw parseError(path, err.message, await locate(path, bufOffset + err.index));
      }
      if (spans.length > 0) yield spans.map(([s, e]) => ({ offset: bufOffset + s, bytes: view.subarray(s, e) }));
      if (final) return;
      buf.copy(buf, 0, rest, length);
      length -= rest;
      bufOffset += rest;
    }
  } finally {
    await fh.close();
  }
}
