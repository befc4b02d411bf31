/**
 * Record splitters: find where records start and end in raw bytes, without decoding them, so a
 * scan knows each record's byte offset (the target's key index stores it). All of them work on
 * ASCII-compatible encodings (utf8, latin1, ascii): the structural bytes they look for never occur
 * inside a multi-byte UTF-8 sequence.
 */

/** A malformed structure, at `index` in the buffer given to `split`. */
export class SplitError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

export interface SplitResult {
  /** [start, end) of each complete record found (delimiters excluded). */
  spans: [number, number][];
  /** Where the unfinished rest begins (a record boundary); the next call starts there. */
  rest: number;
}

export interface Splitter {
  /** Scans `buf` from `from`, a record boundary. With `final`, the buffer ends the file. */
  split(buf: Buffer, from: number, final: boolean): SplitResult;
}

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}

function pushLine(spans: [number, number][], buf: Buffer, start: number, end: number): void {
  const e = end > start && buf[end - 1] === CR ? end - 1 : end;
  if (!isBlank(buf, start, e)) spans.push([start, e]);
}

/** JSON Lines: one record per line; blank lines are skipped; CRLF is accepted. */
export function jsonlSplitter(): Splitter {
  return {
    split(buf, from, final) {
      const spans: [number, number][] = [];
      let s = from;
      for (let nl = buf.indexOf(NL, s); nl !== -1; nl = buf.indexOf(NL, s)) {
        pushLine(spans, buf, s, nl);
        s = nl + 1;
      }
      if (final && s < buf.length) {
        pushLine(spans, buf, s, buf.length);
        s = buf.length;
      }
      return { spans, rest: s };
    },
  };
}

/** CSV: records end at a newline outside double quotes (quoted fields may span lines). */
export function csvSplitter(): Splitter {
  return {
    split(buf, from, final) {
      const spans: [number, number][] = [];
      let s = from;
      let q = from;
      let inQuote = false;
      for (let nl = buf.indexOf(NL, q); nl !== -1; nl = buf.indexOf(NL, q)) {
        for (let i = buf.indexOf(QUOTE, q); i !== -1 && i < nl; i = buf.indexOf(QUOTE, i + 1)) inQuote = !inQuote;
        q = nl + 1;
        if (inQuote) continue;
        pushLine(spans, buf, s, nl);
        s = q;
      }
      if (final && s < buf.length) {
        for (let i = buf.indexOf(QUOTE, q); i !== -1; i = buf.indexOf(QUOTE, i + 1)) inQuote = !inQuote;
        if (inQuote) throw new SplitError('unterminated quoted field', s);
        pushLine(spans, buf, s, buf.length);
        s = buf.length;
      }
      return { spans, rest: s };
    },
  };
}
