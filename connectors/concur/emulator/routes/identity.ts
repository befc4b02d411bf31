/**
 * Identity v4 (`startIndex`/`count` paging, max 100) and v4.1 (`cursor` paging, max 1000, also
 * `POST /Users/.search`), and Spend v4.1 user reads (the spend extensions, ApproverLimit included
 * only when `attributes` names it).
 */
import { errorResponse } from '../error-bodies.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import { ScimError } from '../scim-patch.js';
import { approverLimitFilter, identityView, spendView, userFilter } from '../scim-users.js';
import type { Json } from '../state.js';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

function scimFailure(err: unknown): EmuResponse {
  if (err instanceof ScimError)
    return errorResponse('scim', err.status, err.message, err.scimType ? { scimType: err.scimType } : {});
  throw err;
}

function filteredUsers(ctx: EmuContext, filter: string | null | undefined): Json[] {
  const f = userFilter(filter);
  return [...ctx.state.users.values()].filter(f);
}

function listV4(req: EmuRequest, ctx: EmuContext): EmuResponse {
  try {
    const all = filteredUsers(ctx, req.query.get('filter'));
    const startIndex = Math.max(1, Number(req.query.get('startIndex') ?? 1) || 1);
    const count = Math.min(100, Math.max(0, Number(req.query.get('count') ?? 10) || 10));
    const page = all.slice(startIndex - 1, startIndex - 1 + count).map(identityView);
    return {
      status: 200,
      body: {
        schemas: [LIST_RESPONSE],
        totalResults: all.length,
        itemsPerPage: page.length,
        startIndex,
        Resources: page,
      },
    };
  } catch (err) {
    return scimFailure(err);
  }
}

function encodeCursor(index: number): string {
  return Buffer.from(`c:${index}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined | null): number | undefined {
  if (!cursor) return 0;
  const m = /^c:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

function cursorPage(
  ctx: EmuContext,
  filter: string | undefined | null,
  countRaw: unknown,
  cursor: string | undefined | null,
): EmuResponse {
  try {
    const all = filteredUsers(ctx, filter);
    const start = decodeCursor(cursor);
    if (start === undefined) return errorResponse('scim', 400, 'Invalid cursor', { scimType: 'invalidCursor' });
    const requested = Number(countRaw ?? 100);
    const count = Math.min(
      1000,
      Math.max(1, Number.isFinite(requested) && requested > 0 ? Math.floor(requested) : 100),
    );
    const page = all.slice(start, start + count).map(identityView);
    const body: Json = {
      schemas: [LIST_RESPONSE],
      totalResults: all.length,
      itemsPerPage: page.length,
      Resources: page,
    };
    if (start + count < all.length) body.nextCursor = encodeCursor(start + count);
    return { status: 200, body };
  } catch (err) {
    return scimFailure(err);
  }
}

function getIdentity(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const user = ctx.state.users.get(req.params.id ?? '');
  if (!user) return errorResponse('scim', 404, `User ${req.params.id ?? ''} was not found`);
  return { status: 200, body: identityView(user) };
}

function getSpend(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const user = ctx.state.users.get(req.params.id ?? '');
  if (!user) return errorResponse('scim', 404, `User ${req.params.id ?? ''} was not found`);
  return { status: 200, body: spendView(user, req.query.get('attributes')) };
}

function listSpend(req: EmuRequest, ctx: EmuContext): EmuResponse {
  try {
    const filter = req.query.get('filter') ?? '';
    const f = approverLimitFilter(filter) ?? userFilter(filter);
    const all = [...ctx.state.users.values()].filter(f);
    const startIndex = Math.max(1, Number(req.query.get('startIndex') ?? 1) || 1);
    const count = Math.min(100, Math.max(1, Number(req.query.get('count') ?? 100) || 100));
    const page = all
      .slice(startIndex - 1, startIndex - 1 + count)
      .map((u) => spendView(u, req.query.get('attributes')));
    return {
      status: 200,
      body: {
        schemas: [LIST_RESPONSE],
        totalResults: all.length,
        itemsPerPage: page.length,
        startIndex,
        Resources: page,
      },
    };
  } catch (err) {
    return scimFailure(err);
  }
}

export const identityRoutes: RouteDef[] = [
  { method: 'GET', path: '/profile/identity/v4/Users', family: 'scim', auth: true, handler: listV4 },
  { method: 'GET', path: '/profile/identity/v4/Users/:id', family: 'scim', auth: true, handler: getIdentity },
  {
    method: 'GET',
    path: '/profile/identity/v4.1/Users',
    family: 'scim',
    auth: true,
    handler: (req, ctx) => cursorPage(ctx, req.query.get('filter'), req.query.get('count'), req.query.get('cursor')),
  },
  {
    method: 'POST',
    path: '/profile/identity/v4.1/Users/.search',
    family: 'scim',
    auth: true,
    handler: (req, ctx) => {
      const b = (req.body ?? {}) as { filter?: string; count?: number; cursor?: string };
      return cursorPage(ctx, b.filter, b.count, b.cursor);
    },
  },
  { method: 'GET', path: '/profile/identity/v4.1/Users/:id', family: 'scim', auth: true, handler: getIdentity },
  { method: 'GET', path: '/profile/spend/v4.1/Users', family: 'scim', auth: true, handler: listSpend },
  { method: 'GET', path: '/profile/spend/v4.1/Users/:id', family: 'scim', auth: true, handler: getSpend },
];
