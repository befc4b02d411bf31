/**
 * The first step of every session after the lease: creates left in doubt by earlier runs are settled
 * (see plan/settle.ts). A run or apply commits the outcome — found ones are written, absent ones lose
 * their pending row and are processed again from their parked record; a plan only shows it.
 */
import type { DataRecord } from '../connector/types.js';
import { settlePending, type Settlement } from '../plan/settle.js';
import type { LedgerWrite } from '../state/ledger.js';
import { isoNow } from '../runtime/clock.js';
import type { LogWrite } from '../state/log.js';
import { openTarget, sessionTrigger, type Ctx } from './context.js';

export interface Settled {
  settlement: Settlement;
  /** Parked records of creates found absent, by source key: processed again in this run. */
  resync: Map<string, DataRecord>;
  /** Keys whose pending create was decided (found or absent). */
  settledKeys: Set<string>;
}

export async function settle(ctx: Ctx): Promise<Settled> {
  const name = ctx.pipeline.spec.name;
  const { view } = await openTarget(ctx);
  const settlement = await settlePending(ctx.state.ledgerPending(name), view, ctx.clock.now());
  const absent = [...settlement.absent.keys()];
  const resync = new Map<string, DataRecord>();
  const settledKeys = new Set([...settlement.found.keys(), ...absent]);
  const sourceKeys = new Map<string, string>();
  for (const e of await ctx.state.attentionInDoubt(name, [...settledKeys])) {
    if (e.dedupeKey !== undefined) sourceKeys.set(e.dedupeKey, e.sourceKey);
    if (settlement.absent.has(e.dedupeKey ?? '') && isRecord(e.payload)) resync.set(e.sourceKey, e.payload);
  }
  if (settledKeys.size > 0) {
    ctx.logger.info(
      { found: settlement.found.size, absent: absent.length, waiting: settlement.waiting.size },
      `settled ${settledKeys.size} create(s) whose outcome was unknown: ${settlement.found.size} found in the target, ${absent.length} not there (sent again)`,
    );
  }
  if (ctx.writes && settledKeys.size > 0) {
    const ledger: LedgerWrite[] = [...settlement.found.values()].map(({ entry, targetId }) => ({
      key: entry.key,
      targetId,
      payloadHash: entry.payloadHash,
      status: 'written',
      op: 'create',
      origin: entry.origin,
    }));
    // An absent correction's new version goes back to `reversed` (its original stays reversed).
    const relinked = [...settlement.absent.values()].filter((e) => e.supersedes !== null);
    for (const e of relinked)
      ledger.push({
        key: e.key,
        targetId: e.supersedes,
        payloadHash: null,
        status: 'reversed',
        op: 'reverse',
        origin: e.origin,
      });
    const drop = absent.filter((k) => settlement.absent.get(k)?.supersedes === null);
    const trigger = sessionTrigger(ctx);
    const log: LogWrite[] = [
      ...[...settlement.found.values()].map(({ entry, targetId }) => ({
        sourceKey: sourceKeys.get(entry.key) ?? entry.key,
        dedupeKey: entry.key,
        op: 'settle',
        outcome: 'found' as const,
        targetId,
        payloadHash: entry.payloadHash,
        trigger,
        message: `the create sent at ${entry.sentAt ?? '?'} by run ${entry.runId} was committed by the target`,
      })),
      ...absent.map((k) => ({
        sourceKey: sourceKeys.get(k) ?? k,
        dedupeKey: k,
        op: 'settle',
        outcome: 'absent' as const,
        trigger,
        message: 'the create whose outcome was unknown is not in the target: it is sent again',
      })),
    ];
    await ctx.state.commit(
      name,
      ctx.runId,
      { ledger, dropPending: drop, settled: { found: [...settlement.found.keys()], absent }, log },
      isoNow(ctx.clock),
    );
  }
  return { settlement, resync, settledKeys };
}

export function isRecord(v: unknown): v is DataRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
