/**
 * The system query options of a Service Layer read against the $metadata: which options exist in
 * each version, `$select` and `$orderby` property names, and `$filter` parsed on its own (the
 * documented subset: eq ne gt ge lt le, and or not, parentheses, startswith endswith contains
 * substringof; fact sheet §4) with every property name and every literal's type checked against the
 * property it is compared with.
 */
import { sapB1Model, type EdmStructured } from './metadata.js';
import { scalarProblem, type Version } from './values.js';

const OPTIONS: Record<Version, Set<string>> = {
  v1: new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$expand', '$inlinecount', '$apply']),
  v2: new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$expand', '$count', '$apply']),
};
const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['startswith', 'endswith', 'contains', 'substringof']);

type Token =
  | { kind: 'string'; value: string; typed?: string }
  | { kind: 'number'; value: number }
  | { kind: 'date'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'punct'; value: '(' | ')' | ',' };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: 'punct', value: c });
      i++;
      continue;
    }
    const typedPrefix = /^([A-Za-z][\w.]*)?'/.exec(text.slice(i));
    if (typedPrefix) {
      let j = i + typedPrefix[0].length;
      let value = '';
      for (;;) {
        if (j >= text.length) throw new Error(`unterminated string at ${i}`);
        if (text[j] === "'" && text[j + 1] === "'") ((value += "'"), (j += 2));
        else if (text[j] === "'") break;
        else value += text[j++];
      }
      const typed = typedPrefix[1];
      out.push({ kind: 'string', value, ...(typed !== undefined && { typed }) });
      i = j + 1;
      continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?/.exec(text.slice(i));
    if (date) {
      out.push({ kind: 'date', value: date[0] });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[dDmMlLfF]?/.exec(text.slice(i));
    if (num) {
      out.push({ kind: 'number', value: Number(num[0].replace(/[dDmMlLfF]$/, '')) });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w./]*/.exec(text.slice(i));
    if (!word) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    out.push({ kind: 'word', value: word[0] });
    i += word[0].length;
  }
  return out;
}

type Operand = { kind: 'property'; name: string } | { kind: 'literal'; token: Token } | { kind: 'call' };

class FilterChecker {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly type: EdmStructured,
    private readonly version: Version,
    private readonly problems: string[],
  ) {}

  run(): void {
    this.or();
    if (this.pos < this.tokens.length) throw new Error(`unexpected ${JSON.stringify(this.tokens[this.pos])}`);
  }

  private peekWord(): string | undefined {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' ? t.value : undefined;
  }

  private expect(p: '(' | ')' | ','): void {
    const t = this.tokens[this.pos++];
    if (t?.kind !== 'punct' || t.value !== p) throw new Error(`expected ${p}`);
  }

  private or(): void {
    this.and();
    while (this.peekWord() === 'or') (this.pos++, this.and());
  }

  private and(): void {
    this.unary();
    while (this.peekWord() === 'and') (this.pos++, this.unary());
  }

  private unary(): void {
    if (this.peekWord() === 'not') {
      this.pos++;
      return this.unary();
    }
    const t = this.tokens[this.pos];
    if (t?.kind === 'punct' && t.value === '(') {
      this.pos++;
      this.or();
      return this.expect(')');
    }
    const left = this.operand();
    const op = this.peekWord();
    if (op === undefined || !COMPARISONS.has(op)) {
      if (left.kind !== 'call') throw new Error(`expected a comparison after ${JSON.stringify(left)}`);
      return;
    }
    this.pos++;
    const right = this.operand();
    this.compare(left, right);
  }

  private operand(): Operand {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('unexpected end');
    if (t.kind !== 'word' || ['null', 'true', 'false'].includes(t.value)) return { kind: 'literal', token: t };
    const next = this.tokens[this.pos];
    if (next?.kind === 'punct' && next.value === '(') {
      if (!FUNCTIONS.has(t.value))
        this.problems.push(`$filter function ${t.value} is not in the Service Layer's subset`);
      this.pos++;
      const args: Operand[] = [this.operand()];
      while (this.tokens[this.pos]?.kind === 'punct' && (this.tokens[this.pos] as { value: string }).value === ',')
        (this.pos++, args.push(this.operand()));
      this.expect(')');
      for (const a of args) if (a.kind === 'property') this.property(a.name, 'Edm.String');
      const [p, l] = args[0]?.kind === 'property' ? [args[0], args[1]] : [args[1], args[0]];
      if (p?.kind === 'property' && l?.kind === 'literal') this.compare(p, l);
      return { kind: 'call' };
    }
    this.property(t.value);
    return { kind: 'property', name: t.value };
  }

  private property(name: string, needs?: string): string | undefined {
    const prop = this.type.properties.get(name);
    if (!prop) {
      this.problems.push(`$filter: ${name} is not a property of ${this.type.name}`);
      return undefined;
    }
    if (prop.type.startsWith('Collection(') || this.isComplex(prop.type))
      this.problems.push(`$filter: ${name} is ${prop.type}; the Service Layer filters on simple properties only`);
    if (needs && prop.type !== needs)
      this.problems.push(`$filter: ${name} is ${prop.type}, string functions need ${needs}`);
    return prop.type;
  }

  private isComplex(type: string): boolean {
    return sapB1Model().types.has(type.replace(/^SAPB1\./, ''));
  }

  private compare(a: Operand, b: Operand): void {
    const [p, l] = a.kind === 'property' ? [a, b] : [b, a];
    if (p.kind !== 'property' || l.kind !== 'literal') return;
    const type = this.type.properties.get(p.name)?.type;
    if (!type) return;
    const wrong = literalProblem(type, l.token, this.version);
    if (wrong) this.problems.push(`$filter: ${p.name} (${type}) compared with ${describe(l.token)}: ${wrong}`);
  }
}

function describe(t: Token): string {
  if (t.kind === 'string') return t.typed ? `${t.typed}'${t.value}'` : `'${t.value}'`;
  return String(t.value);
}

function literalProblem(type: string, t: Token, version: Version): string | undefined {
  if (t.kind === 'word' && t.value === 'null') return undefined;
  if (type === 'Edm.DateTime' || type === 'Edm.DateTimeOffset') {
    if (t.kind === 'date') return undefined;
    if (t.kind === 'string' && (t.typed === undefined || t.typed === 'datetime')) {
      const v = t.value;
      return /^\d{8}$/.test(v) || scalarProblem(type, v, { version, direction: 'request' }) === undefined
        ? undefined
        : 'expected a date literal';
    }
    return 'expected a date literal';
  }
  if (t.kind === 'string') {
    const enumName = type.replace(/^SAPB1\./, '');
    if (t.typed && t.typed !== type && t.typed !== `SAPB1.${enumName}`) return `the literal is typed ${t.typed}`;
    const fits = scalarProblem(type, t.value, { version, direction: 'request' });
    return fits && `expected ${fits}`;
  }
  if (t.kind === 'number') return scalarProblem(type, t.value, { version, direction: 'request' });
  if (t.kind === 'word' && (t.value === 'true' || t.value === 'false'))
    return scalarProblem(type, t.value === 'true', { version, direction: 'request' });
  return `expected a literal for ${type}`;
}

/** Problems of the query string of a read of entity type `type`. */
export function queryProblems(query: URLSearchParams, type: EdmStructured | undefined, version: Version): string[] {
  const problems: string[] = [];
  for (const [name, value] of query) {
    if (!name.startsWith('$')) {
      problems.push(`query parameter ${name} is not a Service Layer option`);
      continue;
    }
    if (!OPTIONS[version].has(name)) {
      problems.push(`${name} is not a ${version} query option (${[...OPTIONS[version]].join(', ')})`);
      continue;
    }
    if ((name === '$top' || name === '$skip') && !/^\d+$/.test(value)) problems.push(`${name}=${value} is not a count`);
    if (name === '$inlinecount' && !['allpages', 'none'].includes(value))
      problems.push(`$inlinecount=${value}: allpages or none`);
    if (name === '$count' && !['true', 'false'].includes(value)) problems.push(`$count=${value}: true or false`);
    if (!type) continue;
    if (name === '$select')
      for (const p of value.split(',').map((s) => s.trim()))
        if (!type.properties.has(p)) problems.push(`$select: ${p} is not a property of ${type.name}`);
    if (name === '$orderby')
      for (const part of value.split(',').map((s) => s.trim())) {
        const [p = '', dir, ...rest] = part.split(/\s+/);
        const prop = type.properties.get(p);
        if (!prop) problems.push(`$orderby: ${p} is not a property of ${type.name}`);
        else if (prop.type.startsWith('Collection(')) problems.push(`$orderby: ${p} is a collection`);
        if ((dir !== undefined && dir !== 'asc' && dir !== 'desc') || rest.length > 0)
          problems.push(`$orderby: "${part}" is not "Property [asc|desc]"`);
      }
    if (name === '$filter') {
      try {
        new FilterChecker(tokenize(value), type, version, problems).run();
      } catch (err) {
        problems.push(`$filter does not parse: ${(err as Error).message} in ${JSON.stringify(value)}`);
      }
    }
  }
  return problems;
}
