/**
 * Parser for the `$filter` subset the Service Layer supports (fact sheet §4): `eq ne gt ge lt le`,
 * `and or not`, parentheses, `startswith endswith contains substringof`, string literals in single
 * quotes with `''` as the escaped quote, numbers, `null`, `true`/`false`, `datetime'..'` and typed
 * enum literals such as `SAPB1.BoYesNoEnum'tYES'`. No arithmetic, no other functions.
 */
import { faults } from '../errors.js';

export const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const FUNCTIONS = ['startswith', 'endswith', 'contains', 'substringof'] as const;
export type FilterFunction = (typeof FUNCTIONS)[number];

export type LiteralValue = string | number | boolean | null;

export type FilterNode =
  | { t: 'lit'; value: LiteralValue; prefix?: string }
  | { t: 'prop'; name: string }
  | { t: 'cmp'; op: Comparison; left: FilterNode; right: FilterNode }
  | { t: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { t: 'not'; expr: FilterNode }
  | { t: 'fn'; name: FilterFunction; args: FilterNode[] };

type Token =
  | { k: 'str'; v: string; prefix?: string }
  | { k: 'num'; v: number }
  | { k: 'word'; v: string }
  | { k: 'punct'; v: '(' | ')' | ',' };

function syntax(message: string): Error {
  return faults.badRequest(`Invalid $filter: ${message}`);
}

function readQuoted(src: string, start: number): { value: string; end: number } {
  let i = start + 1;
  let value = '';
  for (;;) {
    if (i >= src.length) throw syntax('unterminated string literal');
    const ch = src[i] as string;
    if (ch === "'") {
      if (src[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i += 1;
  }
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ k: 'punct', v: ch });
      i += 1;
    } else if (ch === "'") {
      const q = readQuoted(src, i);
      tokens.push({ k: 'str', v: q.value });
      i = q.end;
    } else if (/[-\d]/.test(ch)) {
      const m = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?[dDmMfFlL]?/.exec(src.slice(i));
      if (!m) throw syntax(`unexpected '${ch}' at ${i}`);
      tokens.push({ k: 'num', v: Number(m[0].replace(/[dDmMfFlL]$/, '')) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][\w.]*/.exec(src.slice(i)) as RegExpExecArray;
      i += m[0].length;
      if (src[i] === "'") {
        const q = readQuoted(src, i);
        tokens.push({ k: 'str', v: q.value, prefix: m[0] });
        i = q.end;
      } else {
        tokens.push({ k: 'word', v: m[0] });
      }
    } else {
      throw syntax(`unexpected '${ch}' at ${i}`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) throw syntax('unexpected trailing input');
    return node;
  }

  private peekWord(): string | undefined {
    const t = this.tokens[this.pos];
    return t?.k === 'word' ? t.v : undefined;
  }

  private expectPunct(v: '(' | ')' | ','): void {
    const t = this.tokens[this.pos];
    if (t?.k !== 'punct' || t.v !== v) throw syntax(`expected '${v}'`);
    this.pos += 1;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.peekWord() === 'or') {
      this.pos += 1;
      left = { t: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.not();
    while (this.peekWord() === 'and') {
      this.pos += 1;
      left = { t: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): FilterNode {
    if (this.peekWord() === 'not') {
      this.pos += 1;
      return { t: 'not', expr: this.not() };
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const left = this.primary();
    const op = this.peekWord();
    if (op !== undefined && (COMPARISONS as readonly string[]).includes(op)) {
      this.pos += 1;
      return { t: 'cmp', op: op as Comparison, left, right: this.primary() };
    }
    return left;
  }

  private primary(): FilterNode {
    const t = this.tokens[this.pos];
    if (t === undefined) throw syntax('unexpected end of expression');
    this.pos += 1;
    if (t.k === 'punct') {
      if (t.v !== '(') throw syntax(`unexpected '${t.v}'`);
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    if (t.k === 'str')
      return t.prefix === undefined ? { t: 'lit', value: t.v } : { t: 'lit', value: t.v, prefix: t.prefix };
    if (t.k === 'num') return { t: 'lit', value: t.v };
    if (t.v === 'null') return { t: 'lit', value: null };
    if (t.v === 'true' || t.v === 'false') return { t: 'lit', value: t.v === 'true' };
    const next = this.tokens[this.pos];
    if (next?.k === 'punct' && next.v === '(') {
      if (!(FUNCTIONS as readonly string[]).includes(t.v)) throw syntax(`function '${t.v}' is not supported`);
      this.pos += 1;
      const args: FilterNode[] = [this.or()];
      while (this.tokens[this.pos]?.k === 'punct' && (this.tokens[this.pos] as { v: string }).v === ',') {
        this.pos += 1;
        args.push(this.or());
      }
      this.expectPunct(')');
      if (args.length !== 2) throw syntax(`${t.v} takes two arguments`);
      return { t: 'fn', name: t.v as FilterFunction, args };
    }
    if (t.v.includes('.')) throw syntax(`'${t.v}' is not a property`);
    return { t: 'prop', name: t.v };
  }
}

export function parseFilter(src: string): FilterNode {
  return new Parser(tokenize(src)).parse();
}
