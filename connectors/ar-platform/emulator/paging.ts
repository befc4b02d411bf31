/**
 * List paging, in two styles so a generic client can be tested against both:
 * - offset/limit: `?offset=40&limit=20` → `{ data, paging: { offset, limit, total } }`; the client
 *   computes the next offset and stops at `total` (or at a short page);
 * - cursor / next link (when no `offset` is sent): `?limit=20[&cursor=…]` →
 *   `{ data, paging: { limit, nextCursor }, links: { next } }` plus a `Link: <…>; rel="next"` header;
 *   `nextCursor` / `next` are null on the last page. The cursor is the position after the page's last
 *   record in the list order (updatedAt, key), so records changed while paging are seen again later,
 *   never skipped.
 * `updatedSince` (ISO 8601 timestamp, inclusive) filters both styles.
 */
import { ApiFault } from './api-error.js';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

export interface PageRequest {
  limit: number;
  offset: number | undefined;
  cursor: { updatedAt: string; key: string } | undefined;
  updatedSince: string | undefined;
}

export interface PageAnswer {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new ApiFault(400, 'invalid_parameter', `${name} must be an integer from ${min} to ${max}, not '${raw}'`);
  return n;
}

export function encodeCursor(updatedAt: string, key: string): string {
  return Buffer.from(JSON.stringify({ u: updatedAt, k: key })).toString('base64url');
}

function decodeCursor(raw: string): { updatedAt: string; key: string } {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { u?: unknown; k?: unknown };
    if (typeof v.u === 'string' && typeof v.k === 'string') return { updatedAt: v.u, key: v.k };
  } catch {
    // answered below
  }
  throw new ApiFault(400, 'invalid_cursor', 'cursor is not one this API issued; start again without it');
}

export function parsePageRequest(query: URLSearchParams): PageRequest {
  const limitRaw = query.get('limit');
  const offsetRaw = query.get('offset');
  const cursorRaw = query.get('cursor');
  const since = query.get('updatedSince');
  if (offsetRaw !== null && cursorRaw !== null)
    throw new ApiFault(400, 'invalid_parameter', 'send offset or cursor, not both');
  if (since !== null && (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(since) || isNaN(Date.parse(since))))
    throw new ApiFault(400, 'invalid_parameter', `updatedSince must be an ISO 8601 date or timestamp, not '${since}'`);
  return {
    limit: limitRaw === null ? DEFAULT_LIMIT : integer('limit', limitRaw, 1, MAX_LIMIT),
    offset: offsetRaw === null ? undefined : integer('offset', offsetRaw, 0, Number.MAX_SAFE_INTEGER),
    cursor: cursorRaw === null ? undefined : decodeCursor(cursorRaw),
    updatedSince: since === null ? undefined : new Date(since).toISOString(),
  };
}

/** One page of `items` (already filtered and in list order) as the request asked for it. */
export function page<T extends { updatedAt: string }>(
  items: readonly T[],
  keyOf: (item: T) => string,
  req: PageRequest,
  url: URL,
): PageAnswer {
  const since = req.updatedSince;
  const visible = since === undefined ? items : items.filter((i) => i.updatedAt >= since);
  if (req.offset !== undefined) {
    const data = visible.slice(req.offset, req.offset + req.limit);
    return { body: { data, paging: { offset: req.offset, limit: req.limit, total: visible.length } }, headers: {} };
  }
  const after = req.cursor;
  const rest =
    after === undefined
      ? visible
      : visible.filter(
          (i) => i.updatedAt > after.updatedAt || (i.updatedAt === after.updatedAt && keyOf(i) > after.key),
        );
  const data = rest.slice(0, req.limit);
  const last = data[data.length - 1];
  const nextCursor = rest.length > req.limit && last ? encodeCursor(last.updatedAt, keyOf(last)) : null;
  let next: string | null = null;
  if (nextCursor !== null) {
    const n = new URL(url);
    n.searchParams.set('cursor', nextCursor);
    n.searchParams.set('limit', String(req.limit));
    next = n.toString();
  }
  return {
    body: { data, paging: { limit: req.limit, nextCursor }, links: { next } },
    headers: next === null ? {} : { link: `<${next}>; rel="next"` },
  };
}
