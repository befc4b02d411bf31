/**
 * Splits a JSON array into its elements' byte spans, streaming: it tracks strings and brackets
 * only, and leaves parsing each element to JSON.parse. An element ends at the next `,` or `]`
 * outside strings and brackets, whatever it holds, so an element that is not valid JSON (`NaN`,
 * `{"a": 1,}`) or not an object is a row of its own, reported by the decoding; an empty element
 * (a stray or trailing comma) is reported here. What leaves no boundary to trust (not an array,
 * a mismatched bracket, an element that never ends or outgrows the record limit) throws.
 */
import { ROW_CODES } from './errors.js';
import { MAX_RECORD_BYTES, SplitError, type Piece, type Splitter, type SplitterOptions } from './split.js';

const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Index of the `,` or `]` that ends the element starting at `start`; when the buffer ends first, its
 * length if every bracket and string opened is closed (the element may be complete), else -1. A `}` with nothing open stays in
 * the element (JSON.parse refuses it); a bracket closing the wrong kind throws.
 */
export function elementEnd(buf: Buffer, start: number): number {
  const open: number[] = [];
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      i++;
      while (i < buf.length && buf[i] !== QUOTE) i += buf[i] === BACKSLASH ? 2 : 1;
      if (i >= buf.length) return -1;
    } else if (c === OPEN_OBJ || c === OPEN_ARR) {
      open.push(c);
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      if (open.length === 0) {
        if (c === CLOSE_ARR) return i;
        continue;
      }
      const o = open.pop()!;
      if ((o === OPEN_OBJ) !== (c === CLOSE_OBJ))
        throw new SplitError(`mismatched "${String.fromCharCode(c)}" (it closes a "${String.fromCharCode(o)}")`, i);
    } else if (c === COMMA && open.length === 0) {
      return i;
    }
  }
  return open.length === 0 ? buf.length : -1;
}

/** Where the JSON array scan is: before `[`; after `[` or `,` (an element is due); after an element; after `]`. */
type Phase = 'before' | 'first' | 'element' | 'next' | 'after';

export function jsonArraySplitter(options: SplitterOptions = {}): Splitter {
  const maxBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  let phase: Phase = 'before';
  return {
    split(buf, from, final) {
      const spans: Piece[] = [];
      const empty = (at: number, message: string): void => {
        spans.push([at, at + 1, { code: ROW_CODES.jsonInvalid, message }]);
      };
      let i = from;
      let comma = -1; // the comma that made an element due: the next call starts there again
      while (i < buf.length) {
        const c = buf[i]!;
        if (isSpace(c)) {
          i++;
        } else if (phase === 'before') {
          if (c !== OPEN_ARR) throw new SplitError('expected a JSON array of records', i);
          phase = 'first';
          i++;
        } else if (phase === 'after') {
          throw new SplitError('unexpected content after the end of the array', i);
        } else if (phase === 'next') {
          // elementEnd stopped at this `,` or `]`.
          phase = c === COMMA ? 'element' : 'after';
          comma = i++;
        } else if (c === CLOSE_ARR) {
          if (phase === 'element') empty(comma, 'a trailing comma: an empty array element before "]"');
          phase = 'after';
          i++;
        } else if (c === COMMA) {
          empty(i, 'a stray comma: an empty array element');
          phase = 'element';
          comma = i++;
        } else {
          const end = elementEnd(buf, i);
          if (end === -1 || end === buf.length) {
            if (final && end === buf.length) throw new SplitError('unterminated array', buf.length);
            if (final)
              throw new SplitError('an array element starts here and never ends (a missing bracket or quote?)', i);
            if (buf.length - i > maxBytes)
              throw new SplitError(`an array element starts here and is larger than ${maxBytes} bytes`, i);
            break;
          }
          let e = end;
          while (e > i && isSpace(buf[e - 1]!)) e--;
          spans.push([i, e]);
          phase = 'next';
          i = end;
        }
      }
      if (final) {
        // An empty (or all-blank) file reads as an empty array.
        if (phase !== 'before' && phase !== 'after') throw new SplitError('unterminated array', buf.length);
        return { spans, rest: buf.length };
      }
      if (phase === 'element') {
        phase = 'next';
        return { spans, rest: comma };
      }
      return { spans, rest: i };
    },
  };
}
