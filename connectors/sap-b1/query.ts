/**
 * Safe OData query building for the Service Layer: `$filter` from a small expression tree (field
 * names checked, values rendered as literals with `''` quote escaping, never pasted), `$select`,
 * `$orderby`, `$top`, `$skip`, percent-encoded into a query string. The `where` shape of resource
 * options (`{ CardType: 'cSupplier', CreditLimit: { gt: 0 } }`) compiles to the same tree.
 */
import { ConfigError } from '../../engine/errors.js';

export type Literal = string | number | boolean | null;
export const COMPARISON_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export const STRING_FUNCTIONS = ['startswith', 'endswith', 'contains'] as const;
export type StringFunction = (typeof STRING_FUNCTIONS)[number];

export type Filter =
  | { kind: 'cmp'; field: string; op: ComparisonOp; value: Literal }
  | { kind: 'fn'; fn: StringFunction; field: string; value: string }
  | { kind: 'and' | 'or'; items: Filter[] }
  | { kind: 'not'; item: Filter };

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A property name, or a ConfigError: names go into the URL as they are. */
export function field(name: string): string {
  if (!FIELD.test(name))
    throw new ConfigError('SAP_B1_BAD_FIELD', `"${name}" is not a valid Service Layer property name`);
  return name;
}

/** A value as an OData literal: strings quoted with `'` doubled, numbers as numbers, null, true/false. */
export function literal(value: Literal): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError('SAP_B1_BAD_LITERAL', `${value} cannot be used in a $filter`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

const cmp =
  (op: ComparisonOp) =>
  (f: string, value: Literal): Filter => ({ kind: 'cmp', field: field(f), op, value });
const fn =
  (name: StringFunction) =>
  (f: string, value: string): Filter => ({ kind: 'fn', fn: name, field: field(f), value });

/** Filter constructors: `where.eq('CardCode', "O'Brien")` etc. */
export const where = {
  eq: cmp('eq'),
  ne: cmp('ne'),
  gt: cmp('gt'),
  ge: cmp('ge'),
  lt: cmp('lt'),
  le: cmp('le'),
  startswith: fn('startswith'),
  endswith: fn('endswith'),
  contains: fn('contains'),
  and: (...items: (Filter | undefined)[]): Filter | undefined => combine('and', items),
  or: (...items: (Filter | undefined)[]): Filter | undefined => combine('or', items),
  not: (item: Filter): Filter => ({ kind: 'not', item }),
  /** `field eq v1 or field eq v2 ...` (the Service Layer has no `in`). */
  in: (f: string, values: readonly Literal[]): Filter | undefined =>
    combine(
      'or',
      values.map((v) => cmp('eq')(f, v)),
    ),
};

function combine(kind: 'and' | 'or', items: (Filter | undefined)[]): Filter | undefined {
  const present = items.filter((i): i is Filter => i !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { kind, items: present };
}

export function renderFilter(f: Filter): string {
  switch (f.kind) {
    case 'cmp':
      return `${field(f.field)} ${f.op} ${literal(f.value)}`;
    case 'fn':
      return `${f.fn}(${field(f.field)},${literal(f.value)})`;
    case 'not':
      return `not (${renderFilter(f.item)})`;
    case 'and':
    case 'or':
      return f.items
        .map((i) => (i.kind === 'and' || i.kind === 'or' ? `(${renderFilter(i)})` : renderFilter(i)))
        .join(` ${f.kind} `);
  }
}

/** A `where` value of resource options: a literal (eq) or `{ op: literal }` (several ops are and-ed). */
export type WhereValue = Literal | Partial<Record<ComparisonOp, Literal> & Record<StringFunction, string>>;

export function whereToFilter(conditions: Record<string, WhereValue> | undefined): Filter | undefined {
  if (!conditions) return undefined;
  const parts: Filter[] = [];
  for (const [name, value] of Object.entries(conditions)) {
    if (value === null || typeof value !== 'object') {
      parts.push(where.eq(name, value));
      continue;
    }
    for (const [op, v] of Object.entries(value)) {
      if ((COMPARISON_OPS as readonly string[]).includes(op)) parts.push(cmp(op as ComparisonOp)(name, v as Literal));
      else if ((STRING_FUNCTIONS as readonly string[]).includes(op) && typeof v === 'string')
        parts.push(fn(op as StringFunction)(name, v));
      else throw new ConfigError('SAP_B1_BAD_WHERE', `where.${name}: unsupported condition ${op}`);
    }
  }
  return where.and(...parts);
}

export interface QueryOptions {
  filter?: Filter | undefined;
  select?: readonly string[] | undefined;
  orderBy?: readonly { field: string; desc?: boolean }[] | undefined;
  top?: number | undefined;
  skip?: number | undefined;
}

function enc(value: string): string {
  // Keep the characters OData writes literally readable; everything else is percent-encoded.
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%24/g, '$');
}

/** The query string (without `?`); empty when there are no options. */
export function buildQuery(q: QueryOptions): string {
  const parts: string[] = [];
  if (q.filter) parts.push(`$filter=${enc(renderFilter(q.filter))}`);
  if (q.select && q.select.length > 0) parts.push(`$select=${enc(q.select.map(field).join(','))}`);
  if (q.orderBy && q.orderBy.length > 0)
    parts.push(`$orderby=${enc(q.orderBy.map((o) => `${field(o.field)} ${o.desc ? 'desc' : 'asc'}`).join(','))}`);
  if (q.top !== undefined) parts.push(`$top=${Math.max(0, Math.floor(q.top))}`);
  if (q.skip !== undefined) parts.push(`$skip=${Math.max(0, Math.floor(q.skip))}`);
  return parts.join('&');
}

/** An entity's key in a URL: `('C1')` for strings (quotes doubled), `(12)` for numbers. */
export function keySegment(key: string | number): string {
  return typeof key === 'number' ? `(${key})` : `(${enc(literal(key))})`;
}
