/**
 * Line and column of byte offsets met in file order, counted incrementally while the file streams
 * by (each byte is looked at once, whatever the number of rows or errors): the scan asks for each
 * record's start before the bytes before it leave its buffer.
 */
import { charCount } from './text.js';

const NL = 0x0a;

export interface LineCol {
  line: number;
  /** 1-based, in characters of the file's encoding. */
  col: number;
}

export class LineCounter {
  /** File offset counted up to. */
  private pos: number;
  private line = 1;
  private col = 1;

  constructor(
    private readonly encoding: BufferEncoding,
    start = 0,
  ) {
    this.pos = start;
  }

  /**
   * Line and column of file offset `to` (>= every earlier call's). `view` holds the file's bytes
   * from offset `viewOffset` on, and must still contain the bytes since the previous call.
   */
  at(view: Buffer, viewOffset: number, to: number): LineCol {
    const from = this.pos - viewOffset;
    const end = to - viewOffset;
    if (end > from) {
      let lastNl = -1;
      for (let i = view.indexOf(NL, from); i !== -1 && i < end; i = view.indexOf(NL, i + 1)) {
        this.line++;
        lastNl = i;
      }
      if (lastNl === -1) this.col += charCount(view, from, end, this.encoding);
      else this.col = 1 + charCount(view, lastNl + 1, end, this.encoding);
      this.pos = to;
    }
    return { line: this.line, col: this.col };
  }
}
