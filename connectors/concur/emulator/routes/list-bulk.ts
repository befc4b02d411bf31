/**
 * List Item Bulk v4: `POST` creates (parts run in order, parents first), `PATCH` updates values or
 * deletes by long code. 1-250 parts; 201/200 all succeeded, 206 partial, 400 all failed, with one
 * `errors[]` entry per failed part echoing the part as `listItem`.
 */
import { randomUUID } from 'node:crypto';
import { errorResponse } from '../error-bodies.js';
import { tellCommitted, type Written } from '../events.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import type { EmulatorState, ListItemV4, ListV4 } from '../state.js';

export const MAX_BULK_PARTS = 250;

interface PartError {
  id: string;
  message: string;
  listItem: unknown;
}

function resolveList(req: EmuRequest, ctx: EmuContext): ListV4 | EmuResponse {
  const list = ctx.state.lists.get(req.params.listId ?? '');
  if (!list) return errorResponse('list', 404, 'List not found', { id: 'list.not.found', path: req.path });
  if (list.isDeleted) return errorResponse('list', 400, 'List is deleted', { id: 'list.deleted', path: req.path });
  return list;
}

function parts(req: EmuRequest): unknown[] | EmuResponse {
  const requests = (req.body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length < 1 || requests.length > MAX_BULK_PARTS) {
    return errorResponse('list', 400, 'Validation failed', {
      id: 'request.validation.failed',
      path: req.path,
      validationErrors: [{ source: 'requests', message: `size must be between 1 and ${MAX_BULK_PARTS}` }],
    });
  }
  return requests;
}

function summary(total: number, errors: PartError[], okStatus: number): EmuResponse {
  const failed = errors.length;
  const status = failed === 0 ? 'SUCCESS' : failed === total ? 'FAILURE' : 'PARTIAL_SUCCESS';
  const http = failed === 0 ? okStatus : failed === total ? 400 : 206;
  return { status: http, body: { status, recordsSucceeded: total - failed, recordsFailed: failed, errors } };
}

function descendants(state: EmulatorState, item: ListItemV4): ListItemV4[] {
  const out: ListItemV4[] = [];
  const walk = (parentId: string): void => {
    for (const c of state.listItems.values()) {
      if (c.parentId === parentId) {
        out.push(c);
        walk(c.id);
      }
    }
  };
  walk(item.id);
  return out;
}

function createPart(state: EmulatorState, list: ListV4, part: unknown): PartError | ListItemV4 {
  const p = (part ?? {}) as { shortCode?: unknown; value?: unknown; parentCode?: unknown };
  const fail = (id: string, message: string): PartError => ({ id, message, listItem: part });
  if (typeof p.shortCode !== 'string' || p.shortCode.trim() === '')
    return fail('item.invalid.request', 'shortCode is required');
  if (typeof p.value !== 'string' || p.value.trim() === '') return fail('item.invalid.request', 'value is required');
  if (p.shortCode.includes('-'))
    return fail('item.invalid.code', 'A hyphen is the level delimiter and cannot be part of a code');
  let parent: ListItemV4 | undefined;
  if (p.parentCode !== undefined && p.parentCode !== null && p.parentCode !== '') {
    parent = state.itemByCode(list.id, String(p.parentCode));
    if (!parent) return fail('item.parent.not.found', `Parent item ${String(p.parentCode)} was not found`);
    if (parent.isDeleted) return fail('item.parent.deleted', `Parent item ${String(p.parentCode)} is deleted`);
  }
  const level = parent ? parent.level + 1 : 1;
  if (level > list.levelCount) return fail('item.max.level.exceeded', `The list has ${list.levelCount} level(s)`);
  const code = parent ? `${parent.code}-${p.shortCode}` : p.shortCode;
  const existing = state.itemByCode(list.id, code);
  if (existing) {
    return existing.isDeleted
      ? fail('item.duplicate.code.deleted', `A deleted item with code ${code} exists`)
      : fail('item.duplicate.code', `An item with code ${code} exists`);
  }
  const item: ListItemV4 = {
    id: randomUUID(),
    listId: list.id,
    code,
    shortCode: p.shortCode,
    value: p.value,
    level,
    isDeleted: false,
    ...(parent && { parentId: parent.id }),
  };
  state.listItems.set(item.id, item);
  return item;
}

function updatePart(state: EmulatorState, list: ListV4, part: unknown): PartError | ListItemV4 {
  const p = (part ?? {}) as { code?: unknown; value?: unknown; deleted?: unknown };
  const fail = (id: string, message: string): PartError => ({ id, message, listItem: part });
  if (typeof p.code !== 'string' || p.code === '') return fail('item.invalid.request', 'code is required');
  const item = state.itemByCode(list.id, p.code);
  if (!item) return fail('item.not.found', `Item ${p.code} was not found`);
  if (p.deleted === true) {
    item.isDeleted = true;
    for (const d of descendants(state, item)) d.isDeleted = true;
    return item;
  }
  if (p.deleted === false && item.isDeleted) {
    const parent = item.parentId ? state.listItems.get(item.parentId) : undefined;
    if (parent?.isDeleted) return fail('item.parent.deleted', `Parent of ${p.code} is deleted`);
    item.isDeleted = false;
  } else if (item.isDeleted) {
    return fail('item.deleted', `Item ${p.code} is deleted`);
  }
  if (p.value !== undefined) {
    if (typeof p.value !== 'string' || p.value.trim() === '')
      return fail('item.invalid.request', 'value must be a non-empty string');
    item.value = p.value;
  }
  return item;
}

function bulk(req: EmuRequest, ctx: EmuContext, mode: 'create' | 'update'): EmuResponse {
  const list = resolveList(req, ctx);
  if ('status' in list) return list;
  const all = parts(req);
  if (!Array.isArray(all)) return all;
  const errors: PartError[] = [];
  const written: Written[] = [];
  for (const part of all) {
    const r = mode === 'create' ? createPart(ctx.state, list, part) : updatePart(ctx.state, list, part);
    if ('listItem' in r) errors.push(r);
    else written.push({ key: r.code, id: r.id });
  }
  tellCommitted(ctx, req, 'list-items', written, list.id);
  return summary(all.length, errors, mode === 'create' ? 201 : 200);
}

export const listBulkRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/list/v4/lists/:listId/bulk',
    family: 'list',
    auth: true,
    handler: (req, ctx) => bulk(req, ctx, 'create'),
  },
  {
    method: 'PATCH',
    path: '/list/v4/lists/:listId/bulk',
    family: 'list',
    auth: true,
    handler: (req, ctx) => bulk(req, ctx, 'update'),
  },
];
