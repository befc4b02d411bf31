/**
 * Paging as each API family does it: v3 opaque `offset` + absolute `NextPage`; List v4 1-based
 * `page` of a fixed 100; FIS v4 0-based `page` + `limit` with HAL links; SCIM `startIndex`/`count`
 * and v4.1 `cursor`.
 */
import type { EmuRequest } from './router.js';

/** v3 offsets are opaque strings: base64url of the start index. */
export function encodeOffset(index: number): string {
  return Buffer.from(`o:${index}`).toString('base64url');
}

export function decodeOffset(offset: string | null): number | undefined {
  if (offset === null || offset === '') return 0;
  const text = Buffer.from(offset, 'base64url').toString('utf8');
  const m = /^o:(\d+)$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export interface V3Page<T> {
  items: T[];
  nextPage: string | null;
  total: number;
}

/** One v3 page; `undefined` when the offset is not one the emulator issued. */
export function v3Page<T>(req: EmuRequest, all: T[], defaultLimit: number, maxLimit: number): V3Page<T> | undefined {
  const start = decodeOffset(req.query.get('offset'));
  if (start === undefined) return undefined;
  const rawLimit = Number(req.query.get('limit') ?? defaultLimit);
  const limit = Math.max(
    1,
    Math.min(maxLimit, Number.isFinite(rawLimit) && rawLimit > 0 ? Math.floor(rawLimit) : defaultLimit),
  );
  const items = all.slice(start, start + limit);
  let nextPage: string | null = null;
  if (start + limit < all.length) {
    const next = new URL(req.url.toString());
    next.searchParams.set('offset', encodeOffset(start + limit));
    nextPage = next.toString();
  }
  return { items, nextPage, total: all.length };
}

export interface PageMeta {
  size: number;
  totalElements: number;
  totalPages: number;
  number: number;
}

/** List v4: `page` is 1-based, the size is fixed at 100. */
export function listV4Page<T>(
  req: EmuRequest,
  all: T[],
  size = 100,
): { content: T[]; page: PageMeta; links: { rel: string; href: string }[] } {
  const requested = Number(req.query.get('page') ?? 1);
  const number = Number.isFinite(requested) && requested >= 1 ? Math.floor(requested) : 1;
  const totalPages = Math.ceil(all.length / size);
  const content = all.slice((number - 1) * size, number * size);
  const link = (rel: string, page: number): { rel: string; href: string } => {
    const u = new URL(req.url.toString());
    u.searchParams.set('page', String(page));
    return { rel, href: u.toString() };
  };
  const links = [link('self', number)];
  if (number < totalPages) links.push(link('next', number + 1));
  return { content, page: { size, totalElements: all.length, totalPages, number }, links };
}

/** FIS v4: `page` is 0-based, `limit` default 25; HAL links first/self/next/last. */
export function fisPage<T>(
  req: EmuRequest,
  all: T[],
): { content: T[]; page: PageMeta; links: { rel: string; href: string }[] } {
  const limitRaw = Number(req.query.get('limit') ?? 25);
  const size = Number.isFinite(limitRaw) && limitRaw > 0 ? Math.min(Math.floor(limitRaw), 1000) : 25;
  const pageRaw = Number(req.query.get('page') ?? 0);
  const number = Number.isFinite(pageRaw) && pageRaw >= 0 ? Math.floor(pageRaw) : 0;
  const totalPages = Math.ceil(all.length / size);
  const content = all.slice(number * size, (number + 1) * size);
  const link = (rel: string, page: number): { rel: string; href: string } => {
    const u = new URL(req.url.toString());
    u.searchParams.set('page', String(page));
    u.searchParams.set('limit', String(size));
    return { rel, href: u.toString() };
  };
  const links = [link('first', 0), link('self', number)];
  if (number + 1 < totalPages) links.push(link('next', number + 1));
  links.push(link('last', Math.max(0, totalPages - 1)));
  return { content, page: { size, totalElements: all.length, totalPages, number }, links };
}
