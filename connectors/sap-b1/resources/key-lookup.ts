/**
 * Finding entities by a field's values: `field eq 'k1' or field eq 'k2' ...` in chunks that keep
 * URLs short, paging through each answer. Raw entities are returned (ETags kept).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import type { ServiceLayerClient } from '../client.js';
import { buildQuery, literal, where, type Filter } from '../query.js';

/** Rough budget for the `$filter` of one lookup request, in characters before encoding. */
const FILTER_BUDGET = 1500;
const MAX_KEYS = 40;

export function chunkKeys(field: string, keys: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const key of new Set(keys)) {
    const cost = field.length + literal(key).length + 8;
    if (current.length > 0 && (size + cost > FILTER_BUDGET || current.length >= MAX_KEYS)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(key);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface KeyLookup {
  entitySet: string;
  field: string;
  keys: readonly string[];
  select?: readonly string[] | undefined;
  orderBy?: string;
  extra?: Filter | undefined;
}

export async function findByField(client: ServiceLayerClient, q: KeyLookup): Promise<DataRecord[]> {
  const found: DataRecord[] = [];
  for (const chunk of chunkKeys(q.field, q.keys)) {
    const filter = where.and(q.extra, where.in(q.field, chunk));
    const query = buildQuery({ filter, select: q.select, orderBy: [{ field: q.orderBy ?? q.field }] });
    for await (const page of client.rawPages(q.entitySet, query, client.config.pageSize)) found.push(...page);
  }
  return found;
}
