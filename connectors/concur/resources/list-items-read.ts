/**
 * Reading a List v4 list: resolve it by name (or id), then walk the hierarchy: top-level items in
 * 1-based pages of 100, then the children of every item that has some.
 */
import { ConnectorError } from '../../../engine/errors.js';
import type { ConcurClient } from '../client.js';
import { listV4Pages } from './paging.js';

type Json = Record<string, unknown>;

export interface ListItemRecord {
  id: string;
  listId: string;
  code: string;
  shortCode: string;
  parentCode?: string;
  value: string;
  level: number;
  isDeleted: boolean;
  [field: string]: unknown;
}

export async function resolveListId(
  client: ConcurClient,
  options: { list?: string; listId?: string },
): Promise<string> {
  if (options.listId) return options.listId;
  const name = options.list;
  if (!name)
    throw new ConnectorError('CONCUR_LIST_NOT_FOUND', 'list-items needs the option `list` (the list name) or `listId`');
  let loose: string | undefined;
  for await (const lists of listV4Pages(client, '/list/v4/lists', { value: name }, 'GET lists')) {
    for (const l of lists) {
      if (l.value === name) return String(l.id);
      if (String(l.value).toLowerCase() === name.toLowerCase()) loose ??= String(l.id);
    }
  }
  if (loose) return loose;
  throw new ConnectorError('CONCUR_LIST_NOT_FOUND', `Concur has no list named "${name}"`);
}

export function toListItemRecord(item: Json, listId: string): ListItemRecord {
  const code = String(item.code);
  const shortCode = String(item.shortCode ?? code.split('-').at(-1));
  const level = Number(item.level ?? code.split('-').length);
  const parentCode = level > 1 && code.endsWith(`-${shortCode}`) ? code.slice(0, -(shortCode.length + 1)) : undefined;
  return {
    id: String(item.id),
    listId,
    code,
    shortCode,
    ...(parentCode && { parentCode }),
    value: String(item.value ?? ''),
    level,
    isDeleted: item.isDeleted === true,
  };
}

function hasChildren(item: Json, listId: string): boolean {
  const lists = Array.isArray(item.lists) ? (item.lists as Json[]) : [];
  const mine = lists.find((l) => l.id === listId) ?? lists[0];
  return mine?.hasChildren === true;
}

/** Every item of the list, page by page, parents before their children. */
export async function* readListItems(
  client: ConcurClient,
  listId: string,
  includeDeleted: boolean,
): AsyncGenerator<ListItemRecord[]> {
  const params = includeDeleted ? { isDeleted: 'true' } : {};
  const op = 'GET list items';
  const parents: string[] = [];
  const walk = async function* (path: string): AsyncGenerator<ListItemRecord[]> {
    for await (const page of listV4Pages(client, path, params, op)) {
      for (const item of page) if (hasChildren(item, listId)) parents.push(String(item.id));
      yield page.map((i) => toListItemRecord(i, listId));
    }
  };
  yield* walk(`/list/v4/lists/${encodeURIComponent(listId)}/children`);
  while (parents.length > 0) {
    const parentId = parents.shift()!;
    yield* walk(`/list/v4/lists/${encodeURIComponent(listId)}/items/${encodeURIComponent(parentId)}/children`);
  }
}
