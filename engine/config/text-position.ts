/**
 * Line and column of an offset in a plain text file (a JSONata file), 1-based, columns in UTF-16
 * code units as JSONata's offsets and YAML's positions count them. The line starts are found once;
 * each position is then a binary search, so placing many problems in one file stays cheap.
 */
import type { Diagnostic } from './diagnostics.js';

export class TextPositions {
  private readonly starts: number[] = [0];

  constructor(
    readonly path: string,
    text: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: Math.max(0, offset - this.starts[lo]!) + 1 };
  }

  diagnostic(offset: number, code: string, message: string): Diagnostic {
    const { line, col } = this.at(offset);
    return { file: this.path, line, col, code, message, severity: 'error' };
  }
}
