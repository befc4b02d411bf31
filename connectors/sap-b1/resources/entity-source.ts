/**
 * Reading an entity set: `where` conditions plus the resource's own filter, `$select`, a stable
 * `$orderby`, incremental reads from a cursor (`cursorField ge since`), pages streamed as they come
 * and never larger than the page size asked for.
 */
import type { DataRecord, ReadRequest, SourceResource } from '../../../engine/connector/types.js';
import { ConfigError } from '../../../engine/errors.js';
import { buildQuery, where, whereToFilter, type Filter } from '../query.js';
import { readOptions } from './options.js';
import type { ResourceContext } from './types.js';

export type CursorKind = 'date' | 'int';

export interface EntitySourceSpec {
  entitySet: string;
  key: string;
  /** A filter the resource always applies (e.g. open invoices), from its options. */
  baseFilter?(options: DataRecord): Filter | undefined;
  /** Fields an incremental read may use as cursor, with how `since` is written. */
  cursorFields: Record<string, CursorKind>;
}

function sinceFilter(spec: EntitySourceSpec, cursorField: string, since: string): Filter {
  const kind = spec.cursorFields[cursorField];
  if (kind === undefined) {
    const allowed = Object.keys(spec.cursorFields);
    throw new ConfigError(
      'SAP_B1_CURSOR_FIELD',
      `${spec.entitySet} cannot be read incrementally by ${cursorField}${allowed.length ? `; use ${allowed.join(' or ')}` : ''}`,
    );
  }
  if (kind === 'int') {
    if (!/^-?\d+$/.test(since.trim()))
      throw new ConfigError('SAP_B1_CURSOR_VALUE', `cursor ${cursorField}: "${since}" is not an integer`);
    return where.ge(cursorField, Number(since));
  }
  const date = /^\d{4}-\d{2}-\d{2}/.exec(since.trim())?.[0];
  if (date === undefined)
    throw new ConfigError('SAP_B1_CURSOR_VALUE', `cursor ${cursorField}: "${since}" is not a date`);
  // The Service Layer keeps dates without time (UpdateTime is separate): compare by day.
  return where.ge(cursorField, date);
}

export function entityQuery(spec: EntitySourceSpec, options: DataRecord, request: ReadRequest = {}): string {
  const o = readOptions(options);
  const incremental = request.since !== undefined && request.cursorField !== undefined;
  const filter = where.and(
    spec.baseFilter?.(options),
    whereToFilter(o.where),
    incremental ? sinceFilter(spec, request.cursorField as string, request.since as string) : undefined,
  );
  let orderBy = o.orderBy ?? [{ field: spec.key, desc: false }];
  if (incremental && !o.orderBy)
    orderBy = [
      { field: request.cursorField as string, desc: false },
      { field: spec.key, desc: false },
    ];
  const select = o.select
    ? [...new Set([spec.key, ...(incremental ? [request.cursorField as string] : []), ...o.select])]
    : undefined;
  return buildQuery({ filter, select, orderBy });
}

/** Splits pages that came back larger than asked for (servers may ignore the preference). */
export async function* capPages(pages: AsyncIterable<DataRecord[]>, size: number): AsyncGenerator<DataRecord[]> {
  for await (const page of pages) {
    if (page.length <= size) yield page;
    else for (let i = 0; i < page.length; i += size) yield page.slice(i, i + size);
  }
}

export function openEntitySource(ctx: ResourceContext, spec: EntitySourceSpec, options: DataRecord): SourceResource {
  return {
    read(request: ReadRequest): AsyncIterable<DataRecord[]> {
      const query = entityQuery(spec, options, request);
      const size = request.pageSize ?? readOptions(options).pageSize ?? ctx.client.config.pageSize;
      return capPages(ctx.client.pages(spec.entitySet, query, size), size);
    },
  };
}
