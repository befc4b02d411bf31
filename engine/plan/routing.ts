/** A routed plan's counts per target connection (the plan's `summary.connections`). */
import { splitRoutedKey } from '../transform/routed-key.js';
import { countField, type ConnectionCounts, type PlanItem } from './types.js';

/** Attention entries of records the route could not place. */
export const UNROUTED = '(unrouted)';

const empty = (): ConnectionCounts => ({
  create: 0,
  update: 0,
  noop: 0,
  delete: 0,
  forget: 0,
  locked: 0,
  correct: 0,
  inDoubt: 0,
  attention: 0,
});

/** Counts per connection, every connection of the route listed (also those the plan does not touch). */
export async function countsByConnection(
  items: AsyncIterable<PlanItem>,
  connections: Iterable<string>,
): Promise<Record<string, ConnectionCounts>> {
  const out: Record<string, ConnectionCounts> = {};
  for (const c of connections) out[c] = empty();
  const of = (key: string | undefined): ConnectionCounts => {
    const c = key === undefined ? undefined : splitRoutedKey(key)?.connection;
    const name = c !== undefined && c in out ? c : UNROUTED;
    return (out[name] ??= empty());
  };
  for await (const item of items) {
    if (item.t === 'op') of(item.op.key)[countField(item.op.op)]++;
    else if (item.att.stage === 'guard')
      continue; // about the whole run
    else of(item.att.stage === 'key' ? undefined : item.att.dedupeKey).attention++;
  }
  return out;
}
