/**
 * Paging per API family: v3 follows `NextPage` verbatim (never computes offsets); List v4 walks
 * 1-based pages of 100 until `totalPages`; Identity v4.1 follows `nextCursor`.
 */
import type { ConcurClient } from '../client.js';
import type { ApiFamily } from '../errors.js';
import { unexpected } from '../errors.js';

type Json = Record<string, unknown>;

/** Items of a v3 collection: `Items`, or another envelope key, an array or (XML heritage) one object. */
export function v3Items(body: unknown, keys: readonly string[] = ['Items']): Json[] {
  const b = (body ?? {}) as Json;
  for (const key of keys) {
    const v = b[key];
    if (Array.isArray(v)) return v as Json[];
    if (v && typeof v === 'object') return [v as Json];
  }
  return [];
}

export interface V3PageRequest {
  path: string;
  searchParams: Record<string, string | number | boolean | undefined>;
  op: string;
  family?: ApiFamily;
  itemKeys?: readonly string[];
}

export async function* v3Pages(client: ConcurClient, req: V3PageRequest): AsyncGenerator<Json[]> {
  let next: string | null = null;
  let first = true;
  const seen = new Set<string>();
  while (first || next) {
    const res: { body: unknown } = first
      ? await client.request({
          method: 'GET',
          path: req.path,
          searchParams: req.searchParams,
          family: req.family ?? 'v3',
          op: req.op,
        })
      : await client.request({ method: 'GET', path: next!, family: req.family ?? 'v3', op: req.op });
    first = false;
    yield v3Items(res.body, req.itemKeys);
    const np = (res.body as Json | undefined)?.NextPage;
    next = typeof np === 'string' && np !== '' ? np : null;
    if (next && seen.has(next)) throw unexpected(req.op, 'NextPage repeats a page already read');
    if (next) seen.add(next);
  }
}

export interface ListPage {
  content: Json[];
  page?: { totalPages?: number; number?: number };
}

export async function* listV4Pages(
  client: ConcurClient,
  path: string,
  params: Record<string, string | undefined>,
  op: string,
): AsyncGenerator<Json[]> {
  for (let page = 1; ; page++) {
    const res = await client.request<ListPage>({
      method: 'GET',
      path,
      searchParams: { ...params, page },
      family: 'list',
      op,
    });
    const content = Array.isArray(res.body?.content) ? res.body.content : [];
    if (content.length > 0) yield content;
    const totalPages = res.body?.page?.totalPages ?? 0;
    if (content.length === 0 || page >= totalPages) return;
  }
}

export async function* identityPages(
  client: ConcurClient,
  filter: string | undefined,
  count: number,
): AsyncGenerator<Json[]> {
  let cursor: string | undefined;
  for (;;) {
    const res = await client.request<{ Resources?: Json[]; nextCursor?: string }>({
      method: 'POST',
      path: '/profile/identity/v4.1/Users/.search',
      json: { count, ...(filter && { filter }), ...(cursor && { cursor }) },
      family: 'scim',
      op: 'POST identity users search',
      idempotent: true,
    });
    const users = res.body?.Resources ?? [];
    if (users.length > 0) yield users;
    if (!res.body?.nextCursor || users.length === 0) return;
    cursor = res.body.nextCursor;
  }
}
