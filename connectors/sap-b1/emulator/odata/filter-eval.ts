/**
 * Compiles a parsed `$filter` against an entity type into a predicate. Literals are coerced to the
 * property's type: enums by member name or stored value, dates in any accepted form, numbers as
 * numbers. Unknown properties and functions over non-strings are rejected like the Service Layer does.
 */
import { enumMemberName, normalizeDate, propertyType, propertyValue, type Entity } from '../edm/codec.js';
import { edmModel } from '../edm/model.js';
import type { EdmTypeRef } from '../edm/types.js';
import { faults } from '../errors.js';
import type { Comparison, FilterNode, LiteralValue } from './filter-parser.js';

export interface FilterOptions {
  /** `B1S-CaseInsensitive: true` (HANA is case-sensitive by default). */
  caseInsensitive: boolean;
}

type Getter = (e: Entity) => unknown;
type Predicate = (e: Entity) => boolean;

const DATE_TYPES = new Set(['Edm.DateTime', 'Edm.DateTimeOffset']);
const NUMBER_TYPES = new Set(['Edm.Int32', 'Edm.Int16', 'Edm.Int64', 'Edm.Double', 'Edm.Decimal']);

function coerceLiteral(lit: { value: LiteralValue; prefix?: string }, ref: EdmTypeRef | undefined): unknown {
  const { value } = lit;
  if (value === null || ref === undefined) return value;
  if (ref.kind === 'enum') {
    const name = enumMemberName(edmModel(), ref.name, value);
    if (name === undefined)
      throw faults.badRequest(`Invalid $filter: '${String(value)}' is not a value of ${ref.name}`);
    return name;
  }
  if (ref.kind === 'primitive' && DATE_TYPES.has(ref.name)) {
    const date = typeof value === 'string' ? normalizeDate(value) : undefined;
    if (date === undefined) throw faults.badRequest(`Invalid $filter: '${String(value)}' is not a date`);
    return date;
  }
  if (ref.kind === 'primitive' && NUMBER_TYPES.has(ref.name)) {
    if (typeof value === 'string' && lit.prefix === undefined && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    return value;
  }
  return value;
}

function compare(op: Comparison, a: unknown, b: unknown, ci: boolean): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (ci && typeof a === 'string' && typeof b === 'string') {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (a === null || b === null) return false;
  const x = a as string | number;
  const y = b as string | number;
  switch (op) {
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
  }
}

export function compileFilter(node: FilterNode, typeName: string, opts: FilterOptions): Predicate {
  const ci = opts.caseInsensitive;

  const refOf = (n: FilterNode): EdmTypeRef | undefined => {
    if (n.t !== 'prop') return undefined;
    const ref = propertyType(typeName, n.name);
    if (ref === undefined) throw faults.badRequest(`Property '${n.name}' of '${typeName}' is invalid`);
    if (ref.collection || ref.kind === 'complex') {
      throw faults.badRequest(`Invalid $filter: '${n.name}' is not a primitive property`);
    }
    return ref;
  };

  const value = (n: FilterNode, other: FilterNode | undefined): Getter => {
    if (n.t === 'prop') {
      refOf(n);
      return (e) => propertyValue(typeName, e, n.name);
    }
    if (n.t === 'lit') {
      const coerced = coerceLiteral(n, other ? refOf(other) : undefined);
      return () => coerced;
    }
    const p = predicate(n);
    return (e) => p(e);
  };

  const text = (n: FilterNode, e: Entity, g: Getter): string | null => {
    const v = g(e);
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string')
      throw faults.badRequest(`Invalid $filter: ${n.t === 'prop' ? n.name : 'argument'} is not a string`);
    return ci ? v.toLowerCase() : v;
  };

  const predicate = (n: FilterNode): Predicate => {
    switch (n.t) {
      case 'and': {
        const l = predicate(n.left);
        const r = predicate(n.right);
        return (e) => l(e) && r(e);
      }
      case 'or': {
        const oneOf = inList(n);
        if (oneOf) return oneOf;
        const l = predicate(n.left);
        const r = predicate(n.right);
        return (e) => l(e) || r(e);
      }
      case 'not': {
        const inner = predicate(n.expr);
        return (e) => !inner(e);
      }
      case 'cmp': {
        const l = value(n.left, n.right);
        const r = value(n.right, n.left);
        return (e) => compare(n.op, l(e), r(e), ci);
      }
      case 'fn': {
        const [a, b] = n.args as [FilterNode, FilterNode];
        // substringof('needle', Prop) has the arguments the other way round.
        const [hayNode, needleNode] = n.name === 'substringof' ? [b, a] : [a, b];
        const hay = value(hayNode, undefined);
        const needle = value(needleNode, undefined);
        return (e) => {
          const h = text(hayNode, e, hay);
          const s = text(needleNode, e, needle);
          if (h === null || s === null) return false;
          if (n.name === 'startswith') return h.startsWith(s);
          if (n.name === 'endswith') return h.endsWith(s);
          return h.includes(s);
        };
      }
      case 'prop':
      case 'lit':
        throw faults.badRequest('Invalid $filter: expression is not a condition');
    }
  };

  /**
   * `P eq 'a' or P eq 'b' or …` (how clients look entities up by key) as one set look-up: the same
   * answer as the chain of comparisons, without walking the chain for every entity.
   */
  const inList = (n: FilterNode): Predicate | undefined => {
    const leaves: FilterNode[] = [];
    const flatten = (x: FilterNode): void => {
      if (x.t === 'or') {
        flatten(x.left);
        flatten(x.right);
      } else leaves.push(x);
    };
    flatten(n);
    let prop: string | undefined;
    const values = new Set<unknown>();
    for (const leaf of leaves) {
      if (leaf.t !== 'cmp' || leaf.op !== 'eq') return undefined;
      const [p, lit] = leaf.left.t === 'prop' ? [leaf.left, leaf.right] : [leaf.right, leaf.left];
      if (p.t !== 'prop' || lit.t !== 'lit' || (prop !== undefined && p.name !== prop)) return undefined;
      prop = p.name;
      let v = coerceLiteral(lit, refOf(p)) ?? null;
      if (ci && typeof v === 'string') v = v.toLowerCase();
      values.add(v);
    }
    const name = prop!;
    return (e) => {
      let v = propertyValue(typeName, e, name) ?? null;
      if (ci && typeof v === 'string') v = v.toLowerCase();
      return values.has(v);
    };
  };

  return predicate(node);
}
