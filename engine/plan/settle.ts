/**
 * Settlement of creates whose outcome is unknown. Before a create is sent, the ledger records it as
 * `pending` with `settleAfter`: the moment after which the target can no longer commit that request
 * (sent time + the target's declared commit window). A run first looks at every pending create of
 * its pipeline:
 * - still inside its window: it stays in doubt; nothing is sent for that key (`waiting`);
 * - past its window and found in the target by its key: it was written (`found`);
 * - past its window and not found: it was never applied; its pending row goes and the record is
 *   processed again (`absent`).
 * The search happens only after the window, so a request the target is still working on is never
 * mistaken for a lost one. This is a pure decision; a run commits it, a plan only shows it.
 */
import type { LedgerEntry } from '../state/ledger.js';
import type { TargetView } from './target-view.js';

const BATCH = 500;

export interface Settlement {
  found: Map<string, { entry: LedgerEntry; targetId: string }>;
  absent: Map<string, LedgerEntry>;
  waiting: Map<string, LedgerEntry>;
}

export function emptySettlement(): Settlement {
  return { found: new Map(), absent: new Map(), waiting: new Map() };
}

export async function settlePending(
  pending: AsyncIterable<LedgerEntry[]>,
  view: TargetView,
  now: number,
): Promise<Settlement> {
  const out = emptySettlement();
  const due: LedgerEntry[] = [];
  for await (const page of pending) {
    for (const e of page) {
      // A pending row without a settle time (written by an older version) is due at once: it was
      // recorded before a create that no run is waiting for any more.
      const after = e.settleAfter === null ? Number.NEGATIVE_INFINITY : Date.parse(e.settleAfter);
      if (after > now) out.waiting.set(e.key, e);
      else due.push(e);
    }
  }
  for (let i = 0; i < due.length; i += BATCH) {
    const chunk = due.slice(i, i + BATCH);
    const found = await view.lookup(chunk.map((e) => e.key));
    for (const e of chunk) {
      const t = found.get(e.key);
      if (t) out.found.set(e.key, { entry: e, targetId: t.id });
      else out.absent.set(e.key, e);
    }
  }
  return out;
}

/** The ledger entry a plan should see for a key, with the settlement applied (a dry run commits nothing). */
export function settledEntry(stored: LedgerEntry | undefined, settlement: Settlement): LedgerEntry | undefined {
  if (!stored || stored.status !== 'pending') return stored;
  if (settlement.waiting.has(stored.key)) return stored;
  const found = settlement.found.get(stored.key);
  if (found) return { ...stored, status: 'written', targetId: found.targetId, sentAt: null, settleAfter: null };
  // Absent: never applied. A correction's new version falls back to its reversed original.
  if (stored.supersedes !== null)
    return { ...stored, status: 'reversed', targetId: stored.supersedes, sentAt: null, settleAfter: null };
  return undefined;
}
