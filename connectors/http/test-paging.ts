/**
 * The test server's list answers in each pagination style (`/{style}/items`): filtered by
 * `updatedSince` and `externalId` (comma-separated keys), paged by limit/pageSize and
 * offset/page/cursor. Default page size 2, so five records take several pages.
 */
export interface ListAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function listStyle(
  style: string,
  records: readonly (Record<string, unknown> & { externalId: string })[],
  q: URLSearchParams,
  base: string,
): ListAnswer {
  let all = [...records];
  const since = q.get('updatedSince');
  if (since) all = all.filter((i) => String((i.updatedAt as string | undefined) ?? '') >= since);
  const keys = q.get('externalId');
  if (keys) all = all.filter((i) => keys.split(',').includes(i.externalId));
  const limit = Number(q.get('limit') ?? q.get('pageSize') ?? 2);
  const from =
    style === 'page' ? (Number(q.get('page') ?? 1) - 1) * limit : Number(q.get('offset') ?? q.get('cursor') ?? 0);
  const page = all.slice(from, from + limit);
  const more = from + limit < all.length;
  const next = new URLSearchParams(q);
  next.set('offset', String(from + limit));
  next.set('limit', String(limit));
  const nextUrl = `${base}/${style}/items?${next.toString()}`;
  switch (style) {
    case 'plain':
      return { status: 200, body: all };
    case 'next':
      return { status: 200, body: { data: page, links: more ? { next: nextUrl } : {} } };
    case 'offset':
      return { status: 200, body: { items: page, total: all.length } };
    case 'page':
      return { status: 200, body: { results: page, totalPages: Math.ceil(all.length / limit) } };
    case 'cursor':
      return { status: 200, body: { data: page, meta: { nextCursor: more ? String(from + limit) : null } } };
    case 'link':
      return {
        status: 200,
        body: page,
        ...(more && { headers: { link: `<${nextUrl}>; rel="next", <${base}/link/items>; rel="first"` } }),
      };
    default:
      return { status: 404, body: { message: `no style ${style}` } };
  }
}
