/**
 * A routed record whose route changed after it was posted: the ledger holds it under another
 * connection of the route (`b1-eu/PAY-1`) while it now routes to `b1-us/PAY-1`. Posting it in the
 * new company would book the same money twice, so a posted target (immutable records) never gets
 * it: the record is parked (ROUTE_CHANGED) until someone reverses it in the old company and
 * re-syncs it, or routes it back. Same dedupe key from another source record (a namesake in
 * another company) is not a route change: the ledger remembers which source record each entry came
 * from; an entry written before it did is taken as the same record (parked, never posted twice).
 */
import type { LedgerEntry, LedgerStatus } from '../state/ledger.js';
import { routedKey, splitRoutedKey } from '../transform/routed-key.js';

/** Ledger states in which the record stands (or may stand) in its old company. */
const STANDING: ReadonlySet<LedgerStatus> = new Set(['written', 'pending', 'reversing']);

export interface RouteChange {
  /** The connection the record was posted to, and its entry there. */
  from: string;
  entry: LedgerEntry;
  /** The connection it routes to now. */
  to: string;
}

export interface RouteChangeItem {
  key: string;
  sourceKey: string;
}

/**
 * For each item (routed key → its source key), the entry of the same dedupe key under another
 * connection of the route that stands for the same source record. `produced` are the routed keys
 * the page itself produces (a source record may post to several companies at once).
 */
export async function findRouteChanges(
  items: readonly RouteChangeItem[],
  connections: readonly string[],
  ledger: (keys: string[]) => Promise<Map<string, LedgerEntry>>,
  produced: ReadonlySet<string>,
): Promise<Map<string, RouteChange>> {
  const out = new Map<string, RouteChange>();
  const wanted: string[] = [];
  const parts = items.map((item) => ({ item, split: splitRoutedKey(item.key) }));
  for (const { split } of parts) {
    if (!split) continue;
    for (const c of connections) if (c !== split.connection) wanted.push(routedKey(c, split.key));
  }
  if (wanted.length === 0) return out;
  const found = await ledger([...new Set(wanted)].filter((k) => !produced.has(k)));
  for (const { item, split } of parts) {
    if (!split) continue;
    for (const c of connections) {
      if (c === split.connection) continue;
      const entry = found.get(routedKey(c, split.key));
      if (!entry || !STANDING.has(entry.status)) continue;
      if (entry.sourceKey !== null && entry.sourceKey !== item.sourceKey) continue; // a namesake
      out.set(item.key, { from: c, entry, to: split.connection });
      break;
    }
  }
  return out;
}

export function routeChangedMessage(key: string, change: RouteChange): string {
  const plain = splitRoutedKey(key)?.key ?? key;
  const where =
    change.entry.status === 'pending'
      ? `was sent to ${change.from} (run ${change.entry.runId}, outcome not yet known)`
      : `was posted to ${change.from} as ${change.entry.targetId ?? '?'} (run ${change.entry.runId})`;
  return (
    `key ${plain} ${where}; it now routes to ${change.to}. Nothing is posted in ${change.to}: posting it ` +
    `there would book it twice. Reverse it in ${change.from}, then re-sync the record to post it in ` +
    `${change.to}; or correct the source so it routes to ${change.from} again`
  );
}
