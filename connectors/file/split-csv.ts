/**
 * CSV records end at a newline outside a quoted field. A double quote opens a quoted field only at
 * the start of a field (right after the record start or a delimiter); elsewhere it is an ordinary
 * byte, left for the row's decoding to refuse. Inside a quoted field `""` is a quote; any other
 * quote closes the field (text after it on the same line is, again, the decoding's business).
 *
 * An unclosed quote cannot swallow the rest of the file. A quoted field is taken as unclosed when
 * the file ends inside it, when it spans lines and its closing quote is followed by text (`6,"a"`
 * on a later line: that quote opened a field of its own), or when it outgrows the record limit.
 * Then the row is reported from its start to the end of the line the quote opens on, and reading
 * goes on with the next line as a row of its own. A quote closed by a later field's closing quote
 * is valid CSV, and reads as one multi-line field: nothing can tell it from an intended one.
 */
import { ROW_CODES } from './errors.js';
import {
  LongRowSkipper,
  MAX_RECORD_BYTES,
  NL,
  pushLine,
  type Piece,
  type Splitter,
  type SplitterOptions,
} from './split.js';

const QUOTE = 0x22;
const CR = 0x0d;
const UNCLOSED =
  'the quoted field opened at {at} is not closed (or text follows its closing quote on a later line); ' +
  'this row was read up to the end of that line, and the lines after it as rows of their own';

export type CsvScan =
  /** A complete record [start, end); the next one starts at `next`. */
  | { kind: 'record'; end: number; next: number }
  /** The buffer ends first; `quoteAt` is the open quoted field's opening quote, or -1 outside one. */
  | { kind: 'open'; quoteAt: number }
  /** The quoted field opened at `quoteAt` never closes, or spans lines and closes with text after the quote. */
  | { kind: 'unclosed'; quoteAt: number };

function opensField(buf: Buffer, from: number, q: number, delimiter: Buffer): boolean {
  if (q === from) return true;
  const d = delimiter.length;
  if (d === 1) return buf[q - 1] === delimiter[0];
  return q - from >= d && buf.compare(delimiter, 0, d, q - d, q) === 0;
}

/** Whether the byte after a closing quote ends the field (a delimiter, the line, the file). */
function endsField(buf: Buffer, i: number, delimiter: Buffer): boolean {
  const c = buf[i];
  return c === undefined || c === NL || c === CR || c === delimiter[0];
}

/** Where the CSV record starting at `from` ends (the newline excluded; a trailing CR is the caller's). */
export function csvRecordEnd(buf: Buffer, from: number, final: boolean, delimiter: Buffer): CsvScan {
  let i = from;
  let nl = buf.indexOf(NL, i);
  for (;;) {
    if (nl !== -1 && nl < i) nl = buf.indexOf(NL, i);
    let q = buf.indexOf(QUOTE, i);
    while (q !== -1 && (nl === -1 || q < nl) && !opensField(buf, from, q, delimiter)) q = buf.indexOf(QUOTE, q + 1);
    if (q === -1 || (nl !== -1 && nl < q)) {
      if (nl !== -1) return { kind: 'record', end: nl, next: nl + 1 };
      return final ? { kind: 'record', end: buf.length, next: buf.length } : { kind: 'open', quoteAt: -1 };
    }
    // Inside the quoted field opened at q: find its closing quote.
    let j = q + 1;
    for (;;) {
      const c = buf.indexOf(QUOTE, j);
      if (c === -1) return final ? { kind: 'unclosed', quoteAt: q } : { kind: 'open', quoteAt: q };
      if (c + 1 === buf.length && !final) return { kind: 'open', quoteAt: q };
      if (buf[c + 1] === QUOTE) {
        j = c + 2;
        continue;
      }
      // Text after a quote that closes a multi-line field: the quote was never meant to close it.
      if (!endsField(buf, c + 1, delimiter) && nl !== -1 && nl < c) return { kind: 'unclosed', quoteAt: q };
      i = c + 1;
      break;
    }
  }
}

/** `delimiter`: the field delimiter's bytes in the file's encoding. */
export function csvSplitter(delimiter: Buffer, options: SplitterOptions = {}): Splitter {
  const long = new LongRowSkipper(options.maxRecordBytes ?? MAX_RECORD_BYTES);
  return {
    split(buf, from, final) {
      const spans: Piece[] = [];
      let s = long.resume(buf, from);
      if (s === -1) return { spans, rest: buf.length };
      while (s < buf.length) {
        const scan = csvRecordEnd(buf, s, final, delimiter);
        if (scan.kind === 'record') {
          pushLine(spans, buf, s, scan.end);
          s = scan.next;
          continue;
        }
        if (scan.kind === 'open' && !final && buf.length - s <= long.maxBytes) break;
        const lineEnd = scan.quoteAt === -1 ? -1 : buf.indexOf(NL, scan.quoteAt);
        if (scan.quoteAt === -1 || (lineEnd === -1 && !final)) {
          long.report(spans, buf, s);
          s = buf.length;
          continue;
        }
        // An unclosed quote: the row ends with the quote's line, the next line starts a row again.
        const end = lineEnd === -1 ? buf.length : lineEnd;
        spans.push([
          s,
          end > s && buf[end - 1] === CR ? end - 1 : end,
          { code: ROW_CODES.csvQuote, message: UNCLOSED, at: scan.quoteAt },
        ]);
        s = lineEnd === -1 ? buf.length : lineEnd + 1;
      }
      return { spans, rest: s };
    },
  };
}
