/**
 * A YAML file parsed with positions: read problems (size, encoding) and syntax errors become
 * diagnostics, and any value or key can be located by its path (for schema errors, unknown names,
 * JSONata errors inside a block scalar). Locating is O(path length): each mapping gets a key index
 * the first time it is searched, so placing n problems costs O(n), not O(n × keys).
 */
import type { Document, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { readConfigText } from './text-file.js';
import { structureProblems } from './yaml-structure.js';
import { keyProblems, propertyName } from './yaml-keys.js';
import { yaml } from './yaml-lib.js';

const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml;

export type YamlPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

/** The parser's messages, where they speak of its API or its stack rather than of the file. */
function friendlier(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return 'the file holds more than one YAML document (a second `---`); a configuration file is one document';
  // The parser is recursive: a document nested thousands of levels deep overflows its stack.
  if (/maximum call stack/i.test(message)) return 'mappings and lists nest too deeply to parse; flatten the structure';
  return message;
}

export class YamlFile {
  readonly diagnostics: Diagnostic[] = [];
  readonly doc: Document.Parsed;
  private readonly lines: InstanceType<typeof LineCounter>;
  private readonly keyIndex = new WeakMap<object, Map<string, Pair>>();
  private value: unknown;
  private sourceLines: string[] | undefined;
  private readonly newlines = new WeakMap<object, number[]>();

  /** `readProblem`: the file could not be read; the document is empty and the file is not ok. */
  constructor(
    readonly path: string,
    readonly text: string,
    readProblem?: Diagnostic,
  ) {
    this.lines = new LineCounter();
    // Duplicate keys are found by keyProblems (linear); the library's uniqueKeys check is quadratic.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true, uniqueKeys: false });
    if (readProblem) {
      this.diagnostics.push(readProblem);
      return;
    }
    const syntax = (list: readonly YAMLError[], severity: 'error' | 'warning'): void => {
      for (const err of list) {
        const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
        const first = err.message.split('\n')[0] ?? err.message;
        const message = friendlier(err.code, first.replace(/ at line \d+, column \d+:?$/, ''));
        this.diagnostics.push({ file: path, line: pos.line, col: pos.col, code: 'YAML_SYNTAX', message, severity });
      }
    };
    syntax(this.doc.errors, 'error');
    syntax(this.doc.warnings, 'warning');
    const structure = structureProblems(this.doc);
    for (const p of structure) this.push(p.offset, p.code, p.message);
    if (structure.some((p) => p.code === 'YAML_TOO_DEEP')) return;
    const where = (offset: number): string => {
      const p = this.positionAt(offset);
      return `${p.line}:${p.col}`;
    };
    for (const p of keyProblems(this.doc, where)) this.push(p.offset, p.code, p.message);
    if (!this.ok) return;
    try {
      // structureProblems bounds what aliases expand to; the library's own count is switched off (its error has no position).
      this.value = this.doc.toJS({ maxAliasCount: -1 });
    } catch (err) {
      this.push(0, 'YAML_SYNTAX', `the document cannot be read: ${(err as Error).message}`);
    }
  }

  /** Reads `path` (size-bounded, strict UTF-8); never throws: read problems are diagnostics. */
  static read(path: string): YamlFile {
    const r = readConfigText(path);
    return r.ok ? new YamlFile(path, r.text) : new YamlFile(path, '', r.diagnostic);
  }

  private push(offset: number, code: string, message: string): void {
    const pos = this.positionAt(offset);
    this.diagnostics.push({ file: this.path, line: pos.line, col: pos.col, code, message, severity: 'error' });
  }

  /** No error diagnostics: the file was read, parsed and converted. */
  get ok(): boolean {
    return !this.diagnostics.some((d) => d.severity === 'error');
  }

  /** The document as plain data (converted once, when the file was read); undefined unless `ok`. */
  toJS(): unknown {
    return this.value;
  }

  positionAt(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  private pairIn(map: YAMLMap<unknown, unknown>, key: string): Pair | undefined {
    let index = this.keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (!isScalar(p.key)) continue;
        const k = propertyName(p.key.value);
        if (!index.has(k)) index.set(k, p);
      }
      this.keyIndex.set(map, index);
    }
    return index.get(key) as Pair | undefined;
  }

  private child(parent: unknown, segment: string | number): unknown {
    if (isMap(parent)) return this.pairIn(parent, String(segment))?.value;
    if (isSeq(parent)) {
      const i = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
      return i >= 0 ? parent.items[i] : undefined;
    }
    return undefined;
  }

  private walk(path: YamlPath): unknown {
    let cur: unknown = this.doc.contents;
    for (const segment of path) {
      cur = this.child(cur, segment);
      if (cur === undefined) return undefined;
    }
    return cur;
  }

  /** The node at `path` (values), or undefined. */
  node(path: YamlPath): Node | undefined {
    const n = this.walk(path);
    return n && typeof n === 'object' && 'range' in n ? (n as Node) : undefined;
  }

  private pair(path: YamlPath): Pair | undefined {
    if (path.length === 0) return undefined;
    const parent = this.walk(path.slice(0, -1));
    return isMap(parent) ? this.pairIn(parent, String(path[path.length - 1])) : undefined;
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
    const at = Math.max(0, Math.min(offset, n.value.length));
    // Newlines of the value, found once: many problems in one long string cost O(log n) each.
    let newlines = this.newlines.get(n);
    if (!newlines) {
      newlines = [];
      for (let i = n.value.indexOf('\n'); i !== -1; i = n.value.indexOf('\n', i + 1)) newlines.push(i);
      this.newlines.set(n, newlines);
    }
    let lo = 0; // becomes the number of newlines before `at`
    for (let hi = newlines.length; lo < hi;) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    const lineIdx = lo;
    const colInLine = at - (lineIdx === 0 ? 0 : newlines[lineIdx - 1]! + 1);
    const start = this.positionAt(n.range[0]);
    if (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED') {
      // Content starts on the line after the indicator; its indentation is that of the first
      // non-blank content line.
      const srcLines = (this.sourceLines ??= this.text.split('\n'));
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
