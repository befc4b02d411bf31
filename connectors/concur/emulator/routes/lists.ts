/**
 * List v4 reads: lists (by value), a list's top-level items and an item's children, in 1-based
 * pages of a fixed 100. Deleted items are only shown with `isDeleted=true`.
 */
import { errorResponse } from '../error-bodies.js';
import { listV4Page } from '../paging.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import type { EmulatorState, ListItemV4, ListV4 } from '../state.js';

export function listOut(l: ListV4): Record<string, unknown> {
  return { ...l };
}

/** Ids of items that have at least one non-deleted child. */
export function parentsWithChildren(state: EmulatorState): Set<string> {
  const out = new Set<string>();
  for (const c of state.listItems.values()) if (c.parentId && !c.isDeleted) out.add(c.parentId);
  return out;
}

export function itemOut(
  state: EmulatorState,
  i: ListItemV4,
  parents: Set<string> = parentsWithChildren(state),
): Record<string, unknown> {
  const hasChildren = parents.has(i.id);
  return {
    id: i.id,
    code: i.code,
    shortCode: i.shortCode,
    value: i.value,
    ...(i.parentId && { parentId: i.parentId }),
    listId: i.listId,
    level: i.level,
    isDeleted: i.isDeleted,
    lists: [{ id: i.listId, hasChildren }],
  };
}

function listLists(req: EmuRequest, ctx: EmuContext): EmuResponse {
  let lists = [...ctx.state.lists.values()];
  const value = req.query.get('value');
  if (value !== null) lists = lists.filter((l) => l.value.toLowerCase().includes(value.toLowerCase()));
  if (req.query.get('isDeleted') !== 'true') lists = lists.filter((l) => !l.isDeleted);
  const page = listV4Page(req, lists.map(listOut));
  return { status: 200, body: page };
}

function getList(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const list = ctx.state.lists.get(req.params.listId ?? '');
  if (!list) return errorResponse('list', 404, 'List not found', { id: 'list.not.found', path: req.path });
  return { status: 200, body: listOut(list) };
}

function filtered(req: EmuRequest, items: ListItemV4[]): ListItemV4[] {
  const q = req.query;
  let out = items;
  if (q.get('isDeleted') !== 'true') out = out.filter((i) => !i.isDeleted);
  const shortCode = q.get('shortCode');
  if (shortCode !== null) out = out.filter((i) => i.shortCode.toLowerCase() === shortCode.toLowerCase());
  const value = q.get('value');
  if (value !== null) out = out.filter((i) => i.value.toLowerCase().includes(value.toLowerCase()));
  const either = q.get('shortCodeOrValue');
  if (either !== null) {
    const w = either.toLowerCase();
    out = out.filter((i) => i.shortCode.toLowerCase().includes(w) || i.value.toLowerCase().includes(w));
  }
  const sortBy = q.get('sortBy');
  if (sortBy === 'value' || sortBy === 'shortcode') {
    const field = sortBy === 'value' ? 'value' : 'shortCode';
    const dir = q.get('sortDirection') === 'desc' ? -1 : 1;
    out = [...out].sort((a, b) => a[field].localeCompare(b[field]) * dir);
  }
  return out;
}

function topLevel(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const list = ctx.state.lists.get(req.params.listId ?? '');
  if (!list) return errorResponse('list', 404, 'List not found', { id: 'list.not.found', path: req.path });
  const items = filtered(
    req,
    ctx.state.itemsOfList(list.id).filter((i) => i.level === 1),
  );
  const parents = parentsWithChildren(ctx.state);
  const page = listV4Page(req, items);
  return { status: 200, body: { ...page, content: page.content.map((i) => itemOut(ctx.state, i, parents)) } };
}

function children(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const parent = ctx.state.listItems.get(req.params.itemId ?? '');
  if (!parent || (req.params.listId !== undefined && parent.listId !== req.params.listId)) {
    return errorResponse('list', 404, 'List item not found', { id: 'item.not.found', path: req.path });
  }
  const items = filtered(
    req,
    [...ctx.state.listItems.values()].filter((i) => i.parentId === parent.id),
  );
  const parents = parentsWithChildren(ctx.state);
  const page = listV4Page(req, items);
  return { status: 200, body: { ...page, content: page.content.map((i) => itemOut(ctx.state, i, parents)) } };
}

function getItem(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const item = ctx.state.listItems.get(req.params.itemId ?? '');
  if (!item) return errorResponse('list', 404, 'List item not found', { id: 'item.not.found', path: req.path });
  return { status: 200, body: itemOut(ctx.state, item) };
}

export const listRoutes: RouteDef[] = [
  { method: 'GET', path: '/list/v4/lists', family: 'list', auth: true, handler: listLists },
  { method: 'GET', path: '/list/v4/lists/:listId', family: 'list', auth: true, handler: getList },
  { method: 'GET', path: '/list/v4/lists/:listId/children', family: 'list', auth: true, handler: topLevel },
  {
    method: 'GET',
    path: '/list/v4/lists/:listId/items/:itemId/children',
    family: 'list',
    auth: true,
    handler: children,
  },
  { method: 'GET', path: '/list/v4/items/:itemId/children', family: 'list', auth: true, handler: children },
  { method: 'GET', path: '/list/v4/items/:itemId', family: 'list', auth: true, handler: getItem },
];
