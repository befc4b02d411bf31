/**
 * OData system query options on a collection: `$filter $select $orderby $top $skip` and the counts
 * (`$inlinecount=allpages` in v1, `$count=true` in v2, either accepted on both), plus server paging:
 * a page of `pageSize` entities and a nextLink that repeats the options as sent, with the remaining
 * `$top` and the next `$skip` (fact sheet §4).
 */
import { propertyType, type Entity } from '../edm/codec.js';
import { faults } from '../errors.js';
import { compileFilter } from './filter-eval.js';
import { parseFilter } from './filter-parser.js';

export interface QueryPair {
  /** Exactly as sent (still percent-encoded), to repeat in nextLink. */
  raw: string;
  key: string;
  value: string;
}

export interface QueryOptions {
  pairs: QueryPair[];
  filter?: string;
  select?: string[];
  orderby: { prop: string; desc: boolean }[];
  top?: number;
  skip: number;
  count: boolean;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw faults.badRequest('Malformed query string');
  }
}

export function parseQueryString(search: string): QueryPair[] {
  const text = search.startsWith('?') ? search.slice(1) : search;
  if (text === '') return [];
  return text
    .split('&')
    .filter((p) => p !== '')
    .map((raw) => {
      const eq = raw.indexOf('=');
      const key = decode(eq < 0 ? raw : raw.slice(0, eq));
      return { raw, key, value: eq < 0 ? '' : decode(raw.slice(eq + 1)) };
    });
}

function nonNegativeInt(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw faults.badRequest(`Invalid value '${value}' for ${name}`);
  return Number(value);
}

function checkProperty(typeName: string, prop: string): void {
  if (propertyType(typeName, prop) === undefined)
    throw faults.badRequest(`Property '${prop}' of '${typeName}' is invalid`);
}

export function parseQueryOptions(pairs: QueryPair[], typeName: string): QueryOptions {
  const opts: QueryOptions = { pairs, orderby: [], skip: 0, count: false };
  for (const { key, value } of pairs) {
    switch (key) {
      case '$filter':
        opts.filter = value;
        break;
      case '$select':
        opts.select = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        for (const p of opts.select) checkProperty(typeName, p);
        break;
      case '$orderby':
        opts.orderby = value.split(',').map((part) => {
          const [prop = '', dir = 'asc', ...rest] = part.trim().split(/\s+/);
          if (rest.length > 0 || (dir !== 'asc' && dir !== 'desc'))
            throw faults.badRequest(`Invalid $orderby '${value}'`);
          checkProperty(typeName, prop);
          return { prop, desc: dir === 'desc' };
        });
        break;
      case '$top':
        opts.top = nonNegativeInt('$top', value);
        break;
      case '$skip':
        opts.skip = nonNegativeInt('$skip', value);
        break;
      case '$inlinecount':
        if (value !== 'allpages' && value !== 'none')
          throw faults.badRequest(`Invalid value '${value}' for $inlinecount`);
        opts.count = value === 'allpages';
        break;
      case '$count':
        if (value !== 'true' && value !== 'false') throw faults.badRequest(`Invalid value '${value}' for $count`);
        opts.count = value === 'true';
        break;
      case '$expand':
      case '$format':
        break;
      default:
        if (key.startsWith('$')) throw faults.badRequest(`Query option '${key}' is not supported`);
    }
  }
  return opts;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}

export interface Selection {
  page: Entity[];
  total: number;
  /** Set when more entities follow this page. */
  next?: { skip: number; top?: number };
}

export function selectEntities(
  all: Entity[],
  opts: QueryOptions,
  typeName: string,
  keyProp: string,
  pageSize: number,
  caseInsensitive: boolean,
): Selection {
  const predicate =
    opts.filter === undefined ? undefined : compileFilter(parseFilter(opts.filter), typeName, { caseInsensitive });
  const filtered = predicate ? all.filter(predicate) : [...all];
  const order = opts.orderby.length > 0 ? opts.orderby : [{ prop: keyProp, desc: false }];
  filtered.sort((x, y) => {
    for (const { prop, desc } of order) {
      const c = compareValues(x[prop], y[prop]);
      if (c !== 0) return desc ? -c : c;
    }
    return compareValues(x[keyProp], y[keyProp]);
  });
  const rest = filtered.slice(opts.skip);
  const limited = opts.top === undefined ? rest : rest.slice(0, opts.top);
  const page = pageSize > 0 ? limited.slice(0, pageSize) : limited;
  const selection: Selection = { page, total: filtered.length };
  if (limited.length > page.length) {
    selection.next = { skip: opts.skip + page.length };
    if (opts.top !== undefined) selection.next.top = opts.top - page.length;
  }
  return selection;
}

/** The query part of a nextLink: the options as sent (minus paging), then `$top` (remaining) and `$skip`. */
export function nextLinkQuery(opts: QueryOptions, next: { skip: number; top?: number }): string {
  const kept = opts.pairs.filter((p) => p.key !== '$skip' && p.key !== '$top').map((p) => p.raw);
  if (next.top !== undefined) kept.push(`$top=${next.top}`);
  kept.push(`$skip=${next.skip}`);
  return kept.join('&');
}
