/**
 * The applier: streams a plan's items, writes its operations through the target in batches of the
 * resource's bulk size (updates and deletes together, creates and corrections on their own), and commits each batch's ledger rows and attention entries in one fenced
 * transaction. Every create is recorded `pending` (with when it was sent and until when the target
 * may still commit it) in a commit before the request goes out; its outcome replaces that row
 * afterwards, or leaves it pending when the outcome is unknown (in doubt). Between batches it stops
 * when the run's signal fires (SIGTERM, lost lease), with everything acknowledged committed.
 */
import type { ConfirmOutcome, DataRecord, TargetRecord, TargetResource } from '../connector/types.js';
import type { SluiceError } from '../errors.js';
import type { CorrectOp, CreateOp, PlanAttention, PlanItem, PlanOp } from '../plan/types.js';
import { isoNow, type Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../runtime/retry.js';
import type { LedgerWrite } from '../state/ledger.js';
import type { RunTrigger } from '../state/log.js';
import type { CommitBatch } from '../state/store.js';
import { ApplyLog } from './apply-log.js';
import { reverseBatch } from './reverse-batch.js';
import { writeBatch, type RecordOutcome, type WritableOp } from './write-batch.js';

/** Added to a target's commit window before settling: clock drift and the request's own latency. */
export const SETTLE_MARGIN_MS = 5_000;

export interface ApplyInput {
  target: TargetResource;
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
  /** Commits one batch (fenced by the run's lease). */
  commit(batch: CommitBatch, at: string): Promise<void>;
  batchSize: number;
  items: AsyncIterable<PlanItem>;
  onError: 'attention' | 'fail';
  /** Source keys with open attention entries: resolved when their record syncs. */
  openAttention: ReadonlySet<string>;
  /** Keys settled by this session before apply (their in-doubt operations are out of date). */
  settledKeys: ReadonlySet<string>;
  clock: Clock;
  retry?: RetryPolicy;
  logger: Logger;
  /** Per source record outcomes are collected for the confirm-to-source hook. */
  collectOutcomes: boolean;
  /** With collectOutcomes: what of each target record an outcome keeps (absent: all of it). */
  keepTarget?: (record: DataRecord) => DataRecord | undefined;
  sourceRecords: ReadonlyMap<string, DataRecord>;
  signal?: AbortSignal;
  onProgress?(counts: ApplyCounts): void;
  /** What started the attempt on a record, for the integration log (default `manual`). */
  trigger?(sourceKey: string): RunTrigger;
}

export interface ApplyCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Ledger rows of records already gone from the target, closed. */
  forgotten: number;
  /** Existing target records taken into the ledger unchanged (they matched the source). */
  adopted: number;
  /** Creates found in the target after a failed attempt (a lost acknowledgement): not sent again. */
  recovered: number;
  /** Creates whose outcome is unknown: not sent again until settled after the target's commit window. */
  inDoubt: number;
  /** Posted records reversed by corrections (their new versions count as created). */
  reversed: number;
  failed: number;
  retries: number;
  attention: number;
}

export interface ApplyResult {
  counts: ApplyCounts;
  outcomes: readonly ConfirmOutcome[];
  /** The first attention entries written, for the report. */
  attentionSample: readonly PlanAttention[];
  /** Why apply stopped before the end of the plan (a signal, a lost lease, refused credentials). */
  stopped?: SluiceError;
}

export async function applyPlan(input: ApplyInput): Promise<ApplyResult> {
  const log = new ApplyLog(
    input.openAttention,
    input.collectOutcomes,
    input.sourceRecords,
    input.trigger,
    input.keepTarget,
  );
  const policy = input.retry ?? DEFAULT_RETRY;
  let batch: (WritableOp | CorrectOp)[] = [];
  const commit = async (extra: CommitBatch = {}): Promise<void> => {
    const pending = log.take();
    const merged: CommitBatch = {
      ...extra,
      ledger: [...pending.ledger, ...(extra.ledger ?? [])],
      attention: pending.attention,
      resolved: pending.resolved,
      dropPending: pending.dropPending,
      log: [...pending.log, ...(extra.log ?? [])],
    };
    if (
      !merged.ledger?.length &&
      !merged.attention?.length &&
      !merged.resolved?.length &&
      !merged.dropPending?.length &&
      !merged.log?.length
    )
      return;
    await input.commit(merged, isoNow(input.clock));
  };
  const pendingRows = (ops: WritableOp[]): LedgerWrite[] => {
    const now = input.clock.now();
    const sentAt = new Date(now).toISOString();
    const settleAfter = new Date(now + input.target.commitWindowMs + SETTLE_MARGIN_MS).toISOString();
    return ops
      .filter((o) => o.op === 'create')
      .map((o) => ({
        key: o.key,
        targetId: null,
        payloadHash: 'payloadHash' in o ? o.payloadHash : null,
        status: 'pending' as const,
        op: 'create',
        origin: 'created' as const,
        sourceKey: o.sourceKey,
        sentAt,
        settleAfter,
        ...(o.op === 'create' && o.supersedes && { supersedes: o.supersedes }),
      }));
  };
  const flush = async (): Promise<SluiceError | undefined> => {
    const queued = batch;
    batch = [];
    if (queued.length === 0) return undefined;
    if (input.signal?.aborted) return input.signal.reason as SluiceError;
    const corrections = queued.filter((o): o is CorrectOp => o.op === 'correct');
    const ops: WritableOp[] = queued.filter((o): o is WritableOp => o.op !== 'correct');
    if (corrections.length > 0) {
      const reversed = await reverseFirst(corrections);
      if ('stop' in reversed) return reversed.stop;
      ops.push(...reversed.creates);
      if (ops.length === 0) return undefined;
    }
    // The ledger knows about every create before it is sent (and the lease is checked on the way).
    await commit({ ledger: pendingRows(ops) });
    const result = await writeBatch(
      {
        target: input.target,
        lookup: input.lookup,
        policy,
        clock: input.clock,
        logger: input.logger,
        ...(input.signal && { signal: input.signal }),
        beforeResend: (creates) => commit({ ledger: pendingRows(creates) }),
      },
      ops,
    );
    log.retries += result.retries;
    for (const o of result.outcomes) record(o);
    await commit();
    input.onProgress?.(log.counts);
    if (result.fatal) return result.fatal;
    const failed = result.outcomes.find((o) => o.kind === 'failed');
    if (failed?.kind === 'failed' && input.onError === 'fail') return log.failFast(failed.error);
    return undefined;
  };
  /**
   * A correction's first step: the reversal is recorded before it is sent, then each reversed record's
   * new version goes on as a create that supersedes it (pending first, like every create).
   */
  const reverseFirst = async (ops: CorrectOp[]): Promise<{ creates: CreateOp[] } | { stop: SluiceError }> => {
    await commit({ ledger: ops.map((o) => log.reversing(o)) });
    const result = await reverseBatch(
      {
        target: input.target,
        policy,
        clock: input.clock,
        logger: input.logger,
        ...(input.signal && { signal: input.signal }),
      },
      ops,
    );
    const creates: CreateOp[] = [];
    for (const o of result.outcomes) {
      if (o.kind === 'reversed') {
        log.reversed(o.op, o.reversalId);
        creates.push({
          op: 'create',
          key: o.op.key,
          sourceKey: o.op.sourceKey,
          targetHash: 'absent',
          record: o.op.record,
          payloadHash: o.op.payloadHash,
          source: o.op.source,
          supersedes: o.op.targetId,
          ...(o.op.notes && { notes: o.op.notes }),
          ...(o.op.sourceFp !== undefined && { sourceFp: o.op.sourceFp }),
        });
      } else log.reverseFailed(o.op, o.error, o.kind === 'unknown');
    }
    await commit();
    if (result.fatal) return { stop: result.fatal };
    return { creates };
  };
  const record = (o: RecordOutcome): void => {
    if (o.kind === 'written') log.written(o.op, o.id, o.recovered);
    else if (o.kind === 'in-doubt') log.inDoubt(o.op, o.error, input.clock);
    else if (o.kind === 'failed') log.failed(o.op, o.error);
    else log.notAttempted(o.op);
  };

  let stopped: SluiceError | undefined;
  for await (const item of input.items) {
    if (item.t === 'att') {
      const settled = item.att.stage === 'in-doubt' && input.settledKeys.has(item.att.dedupeKey ?? '');
      if (!settled) log.park(item.att);
      if (log.pendingSize() >= 500) await commit();
      continue;
    }
    const op: PlanOp = item.op;
    switch (op.op) {
      case 'noop':
        log.noop(op);
        break;
      case 'locked':
        log.locked(op);
        break;
      case 'in-doubt':
        // Its attention entry follows in the plan; a key settled since the plan was made is left to the next run.
        if (!input.settledKeys.has(op.key)) log.heldInDoubt(op);
        break;
      case 'forget':
        log.forget(op);
        break;
      case 'create':
      case 'update':
      case 'delete':
      case 'correct':
        if ((batch.length > 0 && batchKind(batch[0]!.op) !== batchKind(op.op)) || batch.length >= input.batchSize)
          stopped = await flush();
        batch.push(op);
        break;
      default:
        return assertNever(op);
    }
    if (stopped) break;
    if (log.pendingSize() >= 500) await commit();
  }
  if (!stopped) stopped = await flush();
  await commit();
  return {
    counts: { ...log.counts, retries: log.retries },
    outcomes: log.outcomes(),
    attentionSample: log.sample(),
    ...(stopped && { stopped }),
  };
}

/**
 * Operations that may share a write call: creates (recorded pending first) and corrections (reversed
 * first) go alone; updates and deletes go together, so a bulk API that takes both (Concur list items'
 * PATCH bulk: renames and deactivations) gets one call for them, not one per kind.
 */
function batchKind(op: 'create' | 'update' | 'delete' | 'correct'): string {
  return op === 'delete' ? 'update' : op;
}

function assertNever(op: never): never {
  throw new Error(`unknown plan operation ${JSON.stringify(op)}`);
}
