/**
 * Builds one complete, immutable plan: the planner's pass over the source, duplicate keys resolved,
 * mirror deletes added, and the summary (counts and hashes) computed from the final items. Nothing
 * outside this function adds to or patches a plan.
 */
import type { DataRecord, DeleteAction } from '../connector/types.js';
import type { LedgerEntry } from '../state/ledger.js';
import { resolveDuplicates } from './duplicates.js';
import { planMirrorDeletes } from './mirror.js';
import { runPlanner, type PlannerInput } from './planner.js';
import type { Spill } from './spill.js';
import { countsByConnection } from './routing.js';
import type { PlanSummary, SettlementSummary } from './types.js';

export interface MirrorSettings {
  action: DeleteAction;
  maxPercent: number;
  maxCount?: number;
  minCount?: number;
  allowEmptySource: boolean;
  owned(): AsyncIterable<LedgerEntry[]>;
}

export interface BuildInput extends PlannerInput {
  /** Set in mirror mode. */
  mirror?: MirrorSettings;
  cursorFrom?: string;
  cursorFromKey?: string;
}

export interface Plan {
  /** The operations and attention entries, in order (closed: read it with `items.items()`). */
  readonly items: Spill;
  readonly summary: PlanSummary;
  readonly settlement: SettlementSummary;
  /** Source records by key, for the confirm-to-source hook (empty unless the source confirms). */
  readonly sourceRecords: ReadonlyMap<string, DataRecord>;
  /** Source keys of rows the source could not read, and whether the read saw the whole source. */
  readonly rejectedKeys: readonly string[];
  readonly completeRead: boolean;
  /** Keys asked to be re-synced that the source (or a stored record) had. */
  readonly forcedSeen: ReadonlySet<string>;
}

export async function buildPlan(input: BuildInput): Promise<Plan> {
  const result = await runPlanner(input);
  const items = await resolveDuplicates(input.spill, result.duplicates);
  const warnings: string[] = [];
  if (result.held > 0)
    warnings.push(
      `${result.held} record(s) that failed transiently wait for their retry time (or, out of attempts, for a re-sync) and are not attempted in this run: sluice attention list --class transient`,
    );
  if (result.heldRefused > 0)
    warnings.push(
      `${result.heldRefused} record(s) the target refused are not sent again in this run: their source record, the pipeline, its connections and lookups are unchanged and their retry time has not come (sluice attention list shows it; sluice resync --key K sends one now)`,
    );
  let guard: PlanSummary['guard'];
  let emptySource = false;
  if (input.mirror) {
    const m = await planMirrorDeletes({
      owned: input.mirror.owned(),
      lookup: input.lookup,
      keys: result.keys,
      action: input.mirror.action,
      maxPercent: input.mirror.maxPercent,
      ...(input.mirror.maxCount !== undefined && { maxCount: input.mirror.maxCount }),
      ...(input.mirror.minCount !== undefined && { minCount: input.mirror.minCount }),
      readCount: result.read,
      unkeyed: result.unkeyed,
      allowEmptySource: input.mirror.allowEmptySource,
    });
    warnings.push(...m.warnings);
    guard = m.guard;
    emptySource = m.emptySource;
    for (const op of m.ops) await items.add({ t: 'op', op });
    if (guard?.blocked) {
      await items.add({
        t: 'att',
        att: {
          sourceKey: '(mirror deletes)',
          stage: 'guard',
          code: 'MIRROR_GUARD',
          message: guard.reason ?? 'mirror deletes blocked',
        },
      });
    }
  }
  await items.close();
  const totals = await items.totals();
  // A routed plan is read once more for its counts per connection (unrouted plans never are).
  const connections = input.routeConnections
    ? await countsByConnection(items.items(), input.routeConnections)
    : undefined;
  const cursorField = input.cursorField;
  const summary: PlanSummary = {
    counts: {
      read: result.read,
      rejected: result.rejected,
      skipped: result.skipped,
      unchanged: result.reused,
      ...totals.counts,
    },
    targetStateHash: totals.targetStateHash,
    planHash: totals.planHash,
    cursor: {
      ...(cursorField !== undefined && { field: cursorField }),
      ...(input.cursorFrom !== undefined && { from: input.cursorFrom }),
      ...(input.cursorFromKey !== undefined && { fromKey: input.cursorFromKey }),
      ...(result.cursorTo !== undefined && { to: result.cursorTo }),
      ...(result.cursorTo !== undefined && result.cursorKeyTo !== undefined && { toKey: result.cursorKeyTo }),
    },
    ...(guard && { guard }),
    ...(connections && { connections }),
    ...(emptySource && { emptySource }),
    warnings,
  };
  const s = input.settlement;
  return {
    items,
    summary,
    settlement: { found: s.found.size, absent: s.absent.size, waiting: s.waiting.size },
    sourceRecords: result.sourceRecords,
    rejectedKeys: result.rejectedKeys,
    completeRead: result.completeRead,
    forcedSeen: result.forcedSeen,
  };
}
