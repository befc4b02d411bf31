/**
 * Streams a file as record spans: reads fixed-size chunks, lets a Splitter find the records, and
 * yields them per chunk with their absolute byte offsets and their line:col (counted as the bytes
 * go by, so locating every row of the file costs one pass, not one re-read per error). Memory stays
 * at about two chunks, whatever the file size; a record larger than a chunk is carried over until it
 * is complete (reads then grow with it, so a long record is rescanned a logarithmic number of times),
 * and the splitters give up on records beyond their limit.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { PARSE_ERROR, SplitError, fileError, locatedError, type FileName, type RowCode } from './errors.js';
import { LineCounter, type LineCol } from './lines.js';
import type { SplitResult, Splitter } from './split.js';
import { positionIn } from './text.js';

export interface Span extends LineCol {
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  bytes: Buffer;
  /** The splitter delimited the row but it cannot be read (`{at}` already resolved in the message). */
  problem?: { code: RowCode; message: string };
}

export const CHUNK_SIZE = 1 << 16;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface ScanOptions {
  chunkSize?: number;
  signal?: AbortSignal;
  /** The file's encoding: columns count its characters (default utf8). */
  encoding?: BufferEncoding;
  /** The file as named in messages (default: the path). */
  name?: string;
}

/** Where a scan reads its bytes: a local file handle, or a remote file (the sftp connector). */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/**
 * Record spans of the file, a batch per chunk read. The spans' bytes live in a buffer the next
 * read reuses: decode or copy them before asking for the next batch.
 */
export async function* scanFile(path: string, splitter: Splitter, options: ScanOptions = {}): AsyncGenerator<Span[]> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fileError(err, path, 'open');
  }
  try {
    yield* scanSource(fh, { path, name: options.name ?? path }, splitter, options, (err) =>
      fileError(err, path, 'read'),
    );
  } finally {
    await fh.close();
  }
}

/** Record spans of the bytes `source` reads, as `scanFile`; `readError` wraps a failed read. */
export async function* scanSource(
  source: ByteSource,
  file: FileName,
  splitter: Splitter,
  options: ScanOptions,
  readError: (err: unknown) => Error,
): AsyncGenerator<Span[]> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const encoding = options.encoding ?? 'utf8';
  let pos = 0;
  let buf = Buffer.allocUnsafe(chunkSize * 2);
  let length = 0; // valid bytes in buf
  let bufOffset = 0; // file offset of buf[0]
  let lines: LineCounter | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    // Read at least as much as is carried over: a long record doubles the reads, not their count.
    const want = Math.max(chunkSize, length);
    if (buf.length - length < want) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, length + want));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    let bytesRead: number;
    try {
      ({ bytesRead } = await source.read(buf, length, want, pos));
    } catch (err) {
      throw readError(err);
    }
    pos += bytesRead;
    length += bytesRead;
    const final = bytesRead === 0;
    const view = buf.subarray(0, length);
    const from = bufOffset === 0 && view.subarray(0, 3).equals(BOM) ? 3 : 0;
    if (!lines) {
      if (length < 3 && !final) continue; // not enough bytes yet to tell whether a BOM starts the file
      lines = new LineCounter(encoding, from); // a BOM takes no column
    }
    const counter = lines;
    let result: SplitResult;
    try {
      result = splitter.split(view, from, final);
    } catch (err) {
      if (!(err instanceof SplitError)) throw err;
      const at = counter.at(view, bufOffset, bufOffset + Math.min(err.index, length));
      throw locatedError(file, PARSE_ERROR, err.message, at, { cause: err });
    }
    const { spans, rest } = result;
    if (spans.length > 0) {
      yield spans.map(([s, e, problem]) => {
        const at = counter.at(view, bufOffset, bufOffset + s);
        const span: Span = { offset: bufOffset + s, bytes: view.subarray(s, e), line: at.line, col: at.col };
        if (problem) {
          const where = problem.at === undefined ? undefined : positionIn(span.bytes, problem.at - s, at, encoding);
          const message = where ? problem.message.replace('{at}', `${where.line}:${where.col}`) : problem.message;
          span.problem = { code: problem.code, message };
        }
        return span;
      });
    }
    counter.at(view, bufOffset, bufOffset + rest);
    if (final) return;
    buf.copy(buf, 0, rest, length);
    length -= rest;
    bufOffset += rest;
  }
}
