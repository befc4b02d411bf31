/**
 * Classifies one page of keyed target records against the ledger (pending creates settled) and the
 * target: create, update (field diffs), noop (adopting untracked records), locked (posted, or mode
 * create), in-doubt (an earlier create may still commit). Emits operations and attention entries.
 */
import type { DataRecord, Mode, ResourceCapabilities, TargetRecord } from '../connector/types.js';
import type { LedgerEntry } from '../state/ledger.js';
import { diffRecords } from './diff.js';
import { payloadHash, targetState } from './hash.js';
import { findRouteChanges, routeChangedMessage, type RouteChange } from './route-change.js';
import { settledEntry, type Settlement } from './settle.js';
import type { Spill } from './spill.js';
import type { OpFingerprint, PlanAttention, PlanOp } from './types.js';

export interface Item {
  sourceKey: string;
  /** The target record the transform produced. */
  record: DataRecord;
  key: string;
  /** The source record (stored with attention entries so a re-sync does not need the source). */
  source: DataRecord;
  /** What the target changed when it prepared the record, and why (shown in the plan). */
  notes?: string[];
  /** The source record's fingerprint and how many target records it made (unchanged-source skipping). */
  fingerprint?: OpFingerprint;
  /** The source record's fingerprint, stored with an attention entry if the target refuses it. */
  sourceFp?: string;
  /** An operator asked to re-sync the record. */
  resync?: true;
}

export interface ClassifyContext {
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
  ledger(keys: string[]): Promise<Map<string, LedgerEntry>>;
  settlement: Settlement;
  capabilities: ResourceCapabilities;
  mode: Mode;
  /** What a changed posted record becomes: locked, or a correction (reverse, then post anew). */
  corrections: 'lock' | 'reverse-and-repost';
  /** A routed pipeline's connections: a posted record that now routes to another one is parked (route-change.ts). */
  routeConnections?: readonly string[];
  /** Keep the target record in noop operations (the source is confirmed what the target holds). */
  keepTargetRecords: boolean;
  spill: Spill;
  park(att: PlanAttention): Promise<void>;
}

export function inDoubtMessage(key: string, e: LedgerEntry): string {
  return (
    `a create of key ${key} was sent at ${e.sentAt ?? '?'} by run ${e.runId} and its outcome is unknown: the target ` +
    `may still commit it until ${e.settleAfter ?? '?'}. Nothing is sent for it before then; the first run after that ` +
    'searches the target by its key and sends it again only if it is not there'
  );
}

export async function classify(ctx: ClassifyContext, items: Item[]): Promise<void> {
  const keys = items.map((i) => i.key);
  const [existing, stored] = await Promise.all([ctx.lookup(keys), ctx.ledger(keys)]);
  const moved = await routeChanges(ctx, items, existing);
  const emit = (op: PlanOp, json?: string): Promise<void> => ctx.spill.add({ t: 'op', op }, json);
  for (const item of items) {
    const ex = existing.get(item.key);
    const le = settledEntry(stored.get(item.key), ctx.settlement);
    const targetHash = targetState(ex);
    const json = JSON.stringify(item.record);
    const base = { key: item.key, sourceKey: item.sourceKey, targetHash, payloadHash: payloadHash(json) };
    if (!ex) {
      if (le?.status === 'pending') {
        // Still inside its commit window (settledEntry returns pending only then): hold it.
        await emit({
          ...base,
          op: 'in-doubt',
          sentAt: le.sentAt ?? '',
          settleAfter: le.settleAfter ?? '',
          sentBy: le.runId,
        });
        await ctx.park({
          sourceKey: item.sourceKey,
          dedupeKey: item.key,
          stage: 'in-doubt',
          code: 'WRITE_IN_DOUBT',
          reasonClass: 'transient',
          message: inDoubtMessage(item.key, le),
          payload: item.source,
        });
        continue;
      }
      // A re-sync asked for by an operator posts it anew: they checked the target, as the entry said.
      if (le?.status === 'written' && ctx.capabilities.immutable && !item.resync) {
        const reason = `the ledger records key ${item.key} as written (target id ${le.targetId ?? '?'}, run ${le.runId}) but the target has no record with that key; it is not posted again. Check the target, then re-sync the record to post it anew`;
        await emit({ ...base, op: 'locked', reason, ...(le.targetId && { targetId: le.targetId }) });
        await ctx.park({
          sourceKey: item.sourceKey,
          dedupeKey: item.key,
          stage: 'locked',
          code: 'LEDGER_TARGET_MISSING',
          message: reason,
          payload: item.source,
        });
        continue;
      }
      const change = le ? undefined : moved.get(item.key);
      if (change) {
        const reason = routeChangedMessage(item.key, change);
        await emit({
          ...base,
          op: 'locked',
          reason,
          ...(change.entry.targetId && { targetId: change.entry.targetId }),
        });
        await ctx.park({
          sourceKey: item.sourceKey,
          dedupeKey: item.key,
          stage: 'locked',
          code: 'ROUTE_CHANGED',
          reasonClass: 'conflict',
          message: reason,
          payload: item.source,
        });
        continue;
      }
      // A correction's reversal landed (or was sent) and its new version is not there yet: post it.
      const supersedes = le && (le.status === 'reversed' || le.status === 'reversing') ? le.targetId : null;
      await emit(
        {
          ...base,
          op: 'create',
          record: item.record,
          source: item.source,
          ...(item.notes && { notes: item.notes }),
          ...(supersedes && { supersedes }),
          ...(item.fingerprint && { fingerprint: item.fingerprint }),
          ...(item.sourceFp !== undefined && { sourceFp: item.sourceFp }),
        },
        json,
      );
      continue;
    }
    const changes = diffRecords(item.record, ex.record);
    // A deactivated target record is brought back, unless the source itself says it is inactive.
    const inactive = ex.active === false && item.record.active !== false;
    if ((changes.length === 0 && !inactive) || (inactive && ctx.mode === 'create' && changes.length === 0)) {
      // A pending create found in the target has landed: the ledger adopts it now.
      const adopt = !le || le.status !== 'written' || le.targetId !== ex.id;
      // Remember the fingerprint when the ledger does not have it yet (so the next run can skip it).
      const remember =
        item.fingerprint &&
        (le?.sourceFp !== item.fingerprint.fp || le.targetHash !== targetHash || le.sourceKey !== item.sourceKey);
      await emit({
        ...base,
        op: 'noop',
        targetId: ex.id,
        ...(adopt && { adopt: true as const }),
        ...(ctx.keepTargetRecords && { held: ex.record }),
        ...(remember && { fingerprint: item.fingerprint }),
      });
      continue;
    }
    if (ctx.capabilities.immutable && ctx.corrections === 'reverse-and-repost' && changes.length > 0) {
      await emit(
        {
          ...base,
          op: 'correct',
          targetId: ex.id,
          before: ex.record,
          record: item.record,
          source: item.source,
          changes,
          ...(item.notes && { notes: item.notes }),
          ...(item.sourceFp !== undefined && { sourceFp: item.sourceFp }),
        },
        json,
      );
      continue;
    }
    if (ex.locked || ctx.capabilities.immutable || ctx.mode === 'create') {
      const why =
        ex.locked ??
        (ctx.capabilities.immutable
          ? 'posted records are never changed'
          : 'mode create never updates existing records');
      const fields = changes
        .map((c) => c.path)
        .slice(0, 10)
        .join(', ');
      const reason = `target record ${ex.id} for key ${item.key} differs from the source (${fields}${changes.length > 10 ? ', …' : ''}) and is locked: ${why}`;
      await emit({ ...base, op: 'locked', targetId: ex.id, changes, reason });
      await ctx.park({
        sourceKey: item.sourceKey,
        dedupeKey: item.key,
        stage: 'locked',
        code: 'TARGET_LOCKED',
        message: reason,
        payload: item.source,
      });
      continue;
    }
    await emit(
      {
        ...base,
        op: 'update',
        record: item.record,
        source: item.source,
        ...(item.notes && { notes: item.notes }),
        ...(item.fingerprint && { fingerprint: item.fingerprint }),
        ...(item.sourceFp !== undefined && { sourceFp: item.sourceFp }),
        targetId: ex.id,
        changes,
        before: ex.record,
        ...(inactive && { reactivate: true as const }),
      },
      json,
    );
  }
}

/** Records of a routed posting pipeline that the target lacks but another connection of the route has. */
function routeChanges(
  ctx: ClassifyContext,
  items: Item[],
  existing: Map<string, TargetRecord>,
): Promise<Map<string, RouteChange>> {
  if (!ctx.routeConnections || !ctx.capabilities.immutable) return Promise.resolve(new Map());
  // A re-sync asked for by an operator posts it: they reversed it in the old company, as the entry said.
  const candidates = items.filter((i) => !existing.has(i.key) && !i.resync);
  if (candidates.length === 0) return Promise.resolve(new Map());
  return findRouteChanges(candidates, ctx.routeConnections, ctx.ledger, new Set(items.map((i) => i.key)));
}
