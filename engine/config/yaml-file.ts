/**
 * A YAML file parsed with positions: syntax errors become diagnostics, and any value or key can be
 * located by its path (for schema errors, unknown names, JSONata errors inside a block scalar).
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

export type YamlPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export class YamlFile {
  readonly diagnostics: Diagnostic[] = [];
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true, uniqueKeys: true });
    for (const err of [...this.doc.errors, ...this.doc.warnings]) {
      const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
      const first = err.message.split('\n')[0] ?? err.message;
      this.diagnostics.push({
        file: path,
        line: pos.line,
        col: pos.col,
        code: 'YAML_SYNTAX',
        message: first.replace(/ at line \d+, column \d+:?$/, ''),
        severity: this.doc.errors.includes(err as never) ? 'error' : 'warning',
      });
    }
  }

  static read(path: string): YamlFile {
    return new YamlFile(path, readFileSync(path, 'utf8'));
  }

  get ok(): boolean {
    return this.doc.errors.length === 0;
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  positionAt(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /** The node at `path` (values), or undefined. */
  node(path: YamlPath): Node | undefined {
    const n = this.doc.getIn(path, true) as unknown;
    return n && typeof n === 'object' && 'range' in (n as object) ? (n as Node) : undefined;
  }

  private pair(path: YamlPath): Pair | undefined {
    if (path.length === 0) return undefined;
    const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return undefined;
    const last = path[path.length - 1];
    return parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last)) as
      Pair | undefined;
  }

  /**
   * Position of the value at `path`, or of its key with `which: 'key'`. Falls back to the nearest
   * ancestor that exists, so a missing property points at the object that lacks it.
   */
  locate(path: YamlPath, which: 'key' | 'value' = 'value'): Position {
    for (let len = path.length; len >= 0; len--) {
      const sub = path.slice(0, len);
      if (which === 'key' || len < path.length) {
        const pair = this.pair(sub);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return this.positionAt(keyNode.range[0]);
      }
      const n = sub.length === 0 ? (this.doc.contents as Node | null) : this.node(sub);
      if (n?.range) return this.positionAt(n.range[0]);
      if (isSeq(n) || isMap(n)) continue;
    }
    return { line: 1, col: 1 };
  }

  /**
   * File position of character `offset` inside the string value at `path`: exact for block scalars
   * (`|`, `|-`, `>` on one line) and single-line plain or quoted scalars.
   */
  locateInString(path: YamlPath, offset: number): Position {
    const n = this.node(path);
    if (!isScalar(n) || !n.range || typeof n.value !== 'string') return this.locate(path);
    const value = n.value;
    const before = value.slice(0, Math.max(0, Math.min(offset, value.length)));
    const lineIdx = (before.match(/\n/g) ?? []).length;
    const colInLine = before.length - (before.lastIndexOf('\n') + 1);
    const start = this.positionAt(n.range[0]);
    if (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED') {
      // Content starts on the line after the indicator; its indentation is that of the first
      // non-blank content line.
      const srcLines = this.text.split('\n');
      let probe = start.line; // 0-based index of the line after the indicator
      while (probe < srcLines.length && srcLines[probe]!.trim() === '') probe++;
      const indent = srcLines[probe]?.match(/^ */)?.[0].length ?? 0;
      if (n.type === 'BLOCK_FOLDED') return { line: probe + 1, col: indent + 1 };
      return { line: start.line + 1 + lineIdx, col: indent + colInLine + 1 };
    }
    const quote = n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE' ? 1 : 0;
    if (lineIdx === 0) return { line: start.line, col: start.col + quote + colInLine };
    return start;
  }
}
