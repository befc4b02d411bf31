/**
 * List pages in each pagination style: next link in the body, offset/limit, page number, cursor
 * token, or a `Link: <…>; rel="next"` header. Yields each page's records (selected by the
 * `records` expression) as they arrive: nothing holds more than one page.
 */
import type { DataRecord } from '../../engine/connector/types.js';
import { ConnectorError } from '../../engine/errors.js';
import type { HttpResponse } from '../../engine/runtime/http.js';
import type { ApiClient } from './client.js';
import { resolveUrl } from './config.js';
import { HTTP_ERRORS } from './errors.js';
import { asArray, defaultItems } from './expr.js';
import type { Compiled } from './options.js';

export interface ListRequest {
  /** Collection path or URL (default: the resource's path). */
  path?: string;
  /** Query parameters besides the resource's fixed ones. */
  query?: Record<string, string>;
  /** Page size to ask for (default: the pagination's limit). */
  pageSize?: number;
  op?: string;
}

type Query = Record<string, string>;

/** `Link: <url>; rel="next", <url>; rel="last"` → the next URL. */
export function nextFromLinkHeader(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  for (const m of text.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2] ?? '')?.[1] ?? '';
    if (rel.toLowerCase().split(/\s+/).includes('next')) return m[1];
  }
  return undefined;
}

async function itemsOf(c: Compiled, res: HttpResponse, where: string): Promise<DataRecord[]> {
  const items = c.records ? asArray(await c.records.evaluate(res.body)) : defaultItems(res.body);
  if (!items) {
    throw new ConnectorError(
      HTTP_ERRORS.unexpected,
      `${where}: the response is not an array and has no items/data/results/records array; set the records option (a JSONata path to the records)`,
    );
  }
  const bad = items.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) {
    throw new ConnectorError(
      HTTP_ERRORS.unexpected,
      `${where}: item ${bad + 1} is not a JSON object; check the records option`,
    );
  }
  return items as DataRecord[];
}

function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export async function* listPages(client: ApiClient, c: Compiled, req: ListRequest = {}): AsyncGenerator<DataRecord[]> {
  const p = c.options.pagination ?? { style: 'none' as const };
  const fixed: Query = Object.fromEntries(Object.entries(c.options.query ?? {}).map(([k, v]) => [k, String(v)]));
  const base: Query = { ...fixed, ...req.query };
  const limit = req.pageSize ?? ('limit' in p ? p.limit : undefined) ?? 100;
  const op = req.op ?? `GET ${c.options.path}`;
  let url: URL = resolveUrl(client.config.baseUrl, req.path ?? c.options.path);
  let query: Query = { ...base };
  const limitParam = 'limitParam' in p ? p.limitParam : undefined;
  if (p.style === 'offset') {
    query[p.offsetParam ?? 'offset'] = '0';
    query[p.limitParam ?? 'limit'] = String(limit);
  } else if (p.style === 'page') {
    query[p.pageParam ?? 'page'] = String(p.firstPage ?? 1);
    query[p.sizeParam ?? 'pageSize'] = String(limit);
  } else if (limitParam) {
    query[limitParam] = String(limit);
  }
  const seen = new Set<string>();
  let read = 0;
  for (let page = 1; ; page++) {
    const key = `${url.toString()}?${new URLSearchParams(query).toString()}`;
    if (seen.has(key))
      throw new ConnectorError(
        HTTP_ERRORS.unexpected,
        `${op}: page ${page} repeats an earlier request (${url.pathname}); the pagination never ends`,
      );
    seen.add(key);
    const res = await client.request({ method: 'GET', url, searchParams: query, op });
    const items = await itemsOf(c, res, `${op} page ${page}`);
    read += items.length;
    if (items.length > 0) yield items;
    let next: string | undefined;
    switch (p.style) {
      case 'none':
        return;
      case 'next-link':
        next = text(await c.next!.evaluate(res.body));
        if (!next) return;
        url = new URL(next, url); // relative links resolve as a browser would
        query = {}; // a next link carries its own query
        continue;
      case 'link-header':
        next = nextFromLinkHeader(res.headers.link);
        if (!next) return;
        url = new URL(next, url);
        query = {};
        continue;
      case 'cursor':
        next = text(await c.next!.evaluate(res.body));
        if (!next || items.length === 0) return;
        query = { ...query, [p.cursorParam ?? 'cursor']: next };
        continue;
      case 'offset': {
        const total = c.total ? Number(await c.total.evaluate(res.body)) : undefined;
        if (
          items.length === 0 ||
          (total !== undefined && Number.isFinite(total) ? read >= total : items.length < limit)
        )
          return;
        query = { ...query, [p.offsetParam ?? 'offset']: String(read) };
        continue;
      }
      case 'page': {
        const pages = c.total ? Number(await c.total.evaluate(res.body)) : undefined;
        const current = (p.firstPage ?? 1) + page - 1;
        const last =
          pages !== undefined && Number.isFinite(pages)
            ? current >= (p.firstPage ?? 1) + pages - 1
            : items.length < limit;
        if (items.length === 0 || last) return;
        query = { ...query, [p.pageParam ?? 'page']: String(current + 1) };
        continue;
      }
    }
  }
}

/** Pages of at most `size` records (a remote that ignores the page size still honours the caller's). */
export async function* rechunk(
  pages: AsyncIterable<DataRecord[]>,
  size: number | undefined,
): AsyncGenerator<DataRecord[]> {
  for await (const page of pages) {
    if (!size || page.length <= size) {
      yield page;
      continue;
    }
    for (let i = 0; i < page.length; i += size) yield page.slice(i, i + size);
  }
}
