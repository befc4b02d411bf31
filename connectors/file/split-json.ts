/**
 * Splits a JSON array of objects into its elements' byte spans, streaming: it tracks nesting depth
 * and strings only, and leaves parsing each element to JSON.parse.
 */
import { SplitError, type Splitter } from './split.js';

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

/** Index just past the object starting at `start`, or -1 when the buffer ends first. */
export function objectEnd(buf: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      i++;
      while (i < buf.length && buf[i] !== QUOTE) i += buf[i] === BACKSLASH ? 2 : 1;
      if (i >= buf.length) return -1;
    } else if (c === OPEN_OBJ || c === OPEN_ARR) {
      depth++;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

type Phase = 'before' | 'inside' | 'after';

/**
 * `startInside`: the scan begins between two elements of the array (reading one element back at
 * an offset the index stored), not at the start of the file.
 */
export function jsonArraySplitter(startInside = false): Splitter {
  let phase: Phase = startInside ? 'inside' : 'before';
  return {
    split(buf, from, final) {
      const spans: [number, number][] = [];
      let i = from;
      while (i < buf.length) {
        const c = buf[i]!;
        if (isSpace(c)) {
          i++;
        } else if (phase === 'before') {
          if (c !== OPEN_ARR) throw new SplitError('expected a JSON array of records', i);
          phase = 'inside';
          i++;
        } else if (phase === 'after') {
          throw new SplitError('unexpected content after the end of the array', i);
        } else if (c === COMMA) {
          i++;
        } else if (c === CLOSE_ARR) {
          phase = 'after';
          i++;
        } else if (c === OPEN_OBJ) {
          const end = objectEnd(buf, i);
          if (end === -1) break;
          spans.push([i, end]);
          i = end;
        } else {
          throw new SplitError('array elements must be objects', i);
        }
      }
      if (final) {
        if (i < buf.length) throw new SplitError('unterminated object', i);
        // An empty (or all-blank) file reads as an empty array.
        if (phase === 'inside' && !startInside) throw new SplitError('unterminated array', i);
      }
      return { spans, rest: i };
    },
  };
}
