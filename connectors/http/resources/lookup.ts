/**
 * Finding target records by dedupe key: GET by key (404 = absent), a filter query (one or several
 * keys per request), or the whole collection. Always read from the API, never cached: the engine
 * calls it before creates and to settle in-doubt writes, so it must show the target as it is now.
 */
import type { DataRecord, TargetRecord } from '../../../engine/connector/types.js';
import { ConnectorError } from '../../../engine/errors.js';
import type { ApiClient } from '../client.js';
import { resolveUrl } from '../config.js';
import { HTTP_ERRORS } from '../errors.js';
import { asArray, defaultItems } from '../expr.js';
import type { Compiled } from '../options.js';
import { listPages } from '../pagination.js';
import { expand } from '../template.js';

export function toTargetRecord(c: Compiled, record: DataRecord, keyField: string): TargetRecord | undefined {
  const key = record[keyField];
  if (key === undefined || key === null || key === '') return undefined;
  const id = record[c.idField];
  if (id === undefined || id === null || id === '') {
    throw new ConnectorError(
      HTTP_ERRORS.unexpected,
      `${c.options.path}: the record with key "${String(key as string)}" has no "${c.idField}"; set idField to the field holding the API's id`,
    );
  }
  return { key: String(key as string), id: String(id as string), record };
}

async function getOne(client: ApiClient, c: Compiled, key: string, path: string): Promise<DataRecord[]> {
  const res = await client.request({
    method: 'GET',
    url: resolveUrl(client.config.baseUrl, expand(path, { key })),
    op: `GET ${path}`,
    accept: [404],
  });
  if (res.status === 404 || res.body === undefined) return [];
  const items = c.records ? asArray(await c.records.evaluate(res.body)) : (defaultItems(res.body) ?? [res.body]);
  return items.filter((r): r is DataRecord => !!r && typeof r === 'object' && !Array.isArray(r));
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export async function lookupByKey(
  client: ApiClient,
  c: Compiled,
  keys: readonly string[],
  keyField: string,
): Promise<Map<string, TargetRecord>> {
  const found = new Map<string, TargetRecord>();
  if (keys.length === 0) return found;
  const wanted = new Set(keys);
  const keep = (records: DataRecord[]): void => {
    for (const r of records) {
      const t = toTargetRecord(c, r, keyField);
      if (t && wanted.has(t.key)) found.set(t.key, t);
    }
  };
  const how = c.options.lookup ?? { by: 'list' as const };
  switch (how.by) {
    case 'get':
      for (const key of wanted) keep(await getOne(client, c, key, how.path));
      break;
    case 'query':
      for (const group of chunks([...wanted], how.keysPerRequest ?? 1)) {
        const query = { [how.param]: group.join(how.separator ?? ',') };
        for await (const page of listPages(client, c, { query, op: `GET ${c.options.path} by ${how.param}` }))
          keep(page);
      }
      break;
    case 'list':
      for await (const page of listPages(client, c)) keep(page);
      break;
  }
  return found;
}
