/**
 * Record splitters: find where records start and end in raw bytes, without decoding them, so a
 * scan knows each record's byte offset (the target's key index stores it). All of them work on
 * ASCII-compatible encodings (utf8, latin1, ascii): the structural bytes they look for never occur
 * inside a multi-byte UTF-8 sequence.
 *
 * A row a splitter can delimit but not read (an unclosed CSV quote, a line longer than the limit)
 * comes out as a piece with a problem: the row is reported, the next one is read. A structure that
 * leaves no row boundary to trust throws a SplitError.
 */
import { ROW_CODES, type RowCode } from './errors.js';

export { SplitError } from './errors.js';

/** A row that was delimited but cannot be read. `{at}` in the message is replaced by the line:col of `at`. */
export interface SplitProblem {
  code: RowCode;
  message: string;
  /** Index in the buffer the message's `{at}` refers to. */
  at?: number;
}

/** [start, end) of a record (delimiters excluded), with a problem when it cannot be read. */
export type Piece = [start: number, end: number] | [start: number, end: number, problem: SplitProblem];

export interface SplitResult {
  spans: Piece[];
  /** Where the unfinished rest begins (a record boundary); the next call starts there. */
  rest: number;
}

export interface Splitter {
  /** Scans `buf` from `from`, a record boundary. With `final`, the buffer ends the file. */
  split(buf: Buffer, from: number, final: boolean): SplitResult;
}

export interface SplitterOptions {
  /**
   * Bytes a record may take before it is given up on (default MAX_RECORD_BYTES): the scan never
   * buffers more than this for one record, so memory stays bounded whatever the file holds.
   */
  maxRecordBytes?: number;
}

export const MAX_RECORD_BYTES = 16 << 20;
/** Bytes of an over-long row kept for its raw text (4 per character at most). */
const TOO_LONG_KEEP = 8192;

export const NL = 0x0a;
const CR = 0x0d;

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}

/** Adds the line [start, end) without a trailing CR, unless it is blank. */
export function pushLine(spans: Piece[], buf: Buffer, start: number, end: number): void {
  const e = end > start && buf[end - 1] === CR ? end - 1 : end;
  if (!isBlank(buf, start, e)) spans.push([start, e]);
}

/**
 * Skipping the rest of an over-long row: `report` adds it as a problem piece and starts skipping;
 * `resume` drops bytes up to the next newline and says where reading goes on (-1: not in `buf` yet).
 */
export class LongRowSkipper {
  private skipping = false;

  constructor(readonly maxBytes: number) {}

  report(spans: Piece[], buf: Buffer, start: number): void {
    const message = `the row is longer than ${this.maxBytes} bytes without ending; it is skipped up to the next line break`;
    spans.push([start, Math.min(buf.length, start + TOO_LONG_KEEP), { code: ROW_CODES.tooLong, message }]);
    this.skipping = true;
  }

  resume(buf: Buffer, from: number): number {
    if (!this.skipping) return from;
    const nl = buf.indexOf(NL, from);
    if (nl === -1) return -1;
    this.skipping = false;
    return nl + 1;
  }
}

/** JSON Lines: one record per line; blank lines are skipped; CRLF is accepted. */
export function jsonlSplitter(options: SplitterOptions = {}): Splitter {
  const long = new LongRowSkipper(options.maxRecordBytes ?? MAX_RECORD_BYTES);
  return {
    split(buf, from, final) {
      const spans: Piece[] = [];
      let s = long.resume(buf, from);
      if (s === -1) return { spans, rest: buf.length };
      for (let nl = buf.indexOf(NL, s); nl !== -1; nl = buf.indexOf(NL, s)) {
        pushLine(spans, buf, s, nl);
        s = nl + 1;
      }
      if (final && s < buf.length) {
        pushLine(spans, buf, s, buf.length);
        s = buf.length;
      } else if (buf.length - s > long.maxBytes) {
        long.report(spans, buf, s);
        s = buf.length;
      }
      return { spans, rest: s };
    },
  };
}
