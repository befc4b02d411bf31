/**
 * The applier: streams a plan's operations, writes them through the target in batches of the
 * resource's bulk size, and commits each batch's ledger rows and attention entries in one
 * transaction. Creates are recorded as `pending` before they are sent; before any retry of a create,
 * the target is searched by the dedupe key, so an acknowledgement lost after the target committed
 * never produces a second record. The cursor is committed last, with the final batch.
 */
import type { ConfirmOutcome, DataRecord, TargetResource, WriteOp, WriteOutcome } from '../connector/types.js';
import { AuthError, ConnectorError, SluiceError, asSluiceError, describeError } from '../errors.js';
import { DEFAULT_RETRY, retryDelay, sleep, type RetryPolicy } from '../runtime/retry.js';
import type { Logger } from '../runtime/logger.js';
import type { SpillItem } from '../plan/spill.js';
import type { PlanAttention, PlanOp } from '../plan/types.js';
import { RecordFailure } from '../plan/planner.js';
import type { LedgerWrite } from '../state/ledger.js';
import type { StateStore } from '../state/store.js';

export interface ApplyInput {
  pipeline: string;
  runId: string;
  state: StateStore;
  target: TargetResource;
  /** Lookup by key is possible (plain key field): enables the create duplicate guard. */
  canLookup: boolean;
  batchSize: number;
  items: AsyncIterable<SpillItem>;
  onError: 'attention' | 'fail';
  /** Source keys with open attention entries: resolved when their record syncs. */
  openAttention: ReadonlySet<string>;
  /** Committed with the last batch. */
  cursor?: string;
  retry?: RetryPolicy;
  logger: Logger;
  /** Per source record outcomes are collected for the confirm-to-source hook. */
  collectOutcomes: boolean;
  sourceRecords?: ReadonlyMap<string, DataRecord>;
  onProgress?(done: ApplyCounts): void;
}

export interface ApplyCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Existing target records taken into the ledger unchanged (they matched the source). */
  adopted: number;
  /** Creates found in the target after a failed attempt (a lost acknowledgement): not sent again. */
  recovered: number;
  failed: number;
  retries: number;
  attention: number;
}

export interface ApplyResult {
  counts: ApplyCounts;
  outcomes: Map<string, ConfirmOutcome>;
  /** Attention entries written by this apply (plan-stage and write failures). */
  attentionKeys: string[];
  /** The first attention entries, for the report. */
  attentionSample: PlanAttention[];
}

type WriteKind = 'create' | 'update' | 'delete';

export class Applier {
  private readonly counts: ApplyCounts = {
    created: 0,
    updated: 0,
    deleted: 0,
    adopted: 0,
    recovered: 0,
    failed: 0,
    retries: 0,
    attention: 0,
  };
  private readonly outcomes = new Map<string, ConfirmOutcome>();
  private readonly attentionKeys: string[] = [];
  private readonly attentionSample: PlanAttention[] = [];
  private pendingAttention: PlanAttention[] = [];
  private pendingLedger: LedgerWrite[] = [];
  private pendingResolved: string[] = [];
  private batch: PlanOp[] = [];
  private batchKind: WriteKind | undefined;

  constructor(private readonly input: ApplyInput) {}

  async run(): Promise<ApplyResult> {
    for await (const item of this.input.items) {
      if (item.t === 'att') {
        this.park(item.att);
        // Locked records included: the source learns that this version was not posted, and why
        // (a deferred confirmation would leave it pending forever, since nothing changes by waiting).
        this.outcome(item.att.sourceKey, 'failure', undefined, item.att.message);
        if (this.pendingAttention.length >= 500) await this.commit();
        continue;
      }
      await this.op(item.op);
    }
    await this.flushBatch();
    return {
      counts: this.counts,
      outcomes: this.outcomes,
      attentionKeys: this.attentionKeys,
      attentionSample: this.attentionSample,
    };
  }

  /** Commits whatever is pending, with the cursor: the last step of a successful apply. */
  async finish(cursor: string | undefined, extraAttention: PlanAttention[] = []): Promise<void> {
    for (const a of extraAttention) this.park(a);
    await this.commit(cursor);
  }

  private park(att: PlanAttention): void {
    this.pendingAttention.push(att);
    this.attentionKeys.push(att.sourceKey);
    if (this.attentionSample.length < 10) this.attentionSample.push(att);
  }

  private outcome(sourceKey: string, status: ConfirmOutcome['status'], targetId?: string, message?: string): void {
    if (!this.input.collectOutcomes) return;
    const prev = this.outcomes.get(sourceKey);
    // A source record with several target records succeeds only when all of them do.
    if (prev && (prev.status === 'failure' || (prev.status === 'deferred' && status === 'success'))) return;
    const record = this.input.sourceRecords?.get(sourceKey) ?? {};
    this.outcomes.set(sourceKey, {
      sourceKey,
      record,
      status,
      ...(targetId !== undefined && { targetId }),
      ...(message !== undefined && { message }),
    });
  }

  private resolved(sourceKey: string): void {
    if (this.input.openAttention.has(sourceKey)) this.pendingResolved.push(sourceKey);
  }

  private async op(op: PlanOp): Promise<void> {
    switch (op.op) {
      case 'noop':
        if (op.adopt) {
          this.counts.adopted++;
          this.pendingLedger.push({
            key: op.key,
            targetId: op.targetId ?? null,
            payloadHash: op.payloadHash ?? null,
            status: 'written',
            op: 'noop',
            origin: 'adopted',
          });
        }
        this.resolved(op.sourceKey);
        this.outcome(op.sourceKey, 'success', op.targetId);
        if (this.pendingLedger.length >= 500) await this.commit();
        return;
      case 'locked':
        this.outcome(op.sourceKey, 'deferred', op.targetId, op.reason);
        return;
      case 'delete':
        if (op.before === undefined) {
          this.pendingLedger.push({
            key: op.key,
            targetId: op.targetId ?? null,
            payloadHash: null,
            status: 'deleted',
            op: 'delete',
            origin: 'created',
          });
          return;
        }
        break;
      default:
        break;
    }
    const kind = op.op as WriteKind;
    if (this.batchKind !== kind || this.batch.length >= this.input.batchSize) await this.flushBatch();
    this.batchKind = kind;
    this.batch.push(op);
  }

  private async flushBatch(): Promise<void> {
    const ops = this.batch;
    const kind = this.batchKind;
    this.batch = [];
    this.batchKind = undefined;
    if (ops.length === 0 || !kind) {
      await this.commit();
      return;
    }
    if (kind === 'create' && !this.input.canLookup) {
      // Without a lookup by key, the ledger must know about the write before it is sent.
      this.pendingLedger.push(
        ...ops.map((o) => ({
          key: o.key,
          targetId: null,
          payloadHash: o.payloadHash ?? null,
          status: 'pending' as const,
          op: 'create',
          origin: 'created' as const,
        })),
      );
      await this.commit();
    }
    const results = await this.write(ops);
    let failed: SluiceError | undefined;
    for (const op of ops) {
      const r = results.get(op.key);
      if (r && r.ok) {
        this.recordSuccess(op, r.id ?? op.targetId ?? null);
      } else {
        const error = r?.error ?? new ConnectorError('NO_OUTCOME', 'the target returned no outcome for this record');
        this.counts.failed++;
        this.counts.attention++;
        this.park({
          sourceKey: op.sourceKey,
          dedupeKey: op.key,
          stage: 'apply',
          code: error.code,
          message: describeError(error),
          ...(op.record && { payload: this.input.sourceRecords?.get(op.sourceKey) ?? op.record }),
        });
        this.outcome(op.sourceKey, error.retryable ? 'deferred' : 'failure', undefined, error.message);
        failed ??= error;
      }
    }
    await this.commit();
    if (failed && this.input.onError === 'fail') {
      throw new RecordFailure(
        'RECORD_FAILED',
        `a record failed to write: ${failed.message} (on_error: fail stops the run)`,
        { cause: failed },
      );
    }
    this.input.onProgress?.(this.counts);
  }

  private recordSuccess(op: PlanOp, id: string | null): void {
    if (op.op === 'create') {
      this.counts.created++;
      this.pendingLedger.push({
        key: op.key,
        targetId: id,
        payloadHash: op.payloadHash ?? null,
        status: 'written',
        op: 'create',
        origin: 'created',
      });
    } else if (op.op === 'update') {
      this.counts.updated++;
      this.pendingLedger.push({
        key: op.key,
        targetId: id,
        payloadHash: op.payloadHash ?? null,
        status: 'written',
        op: 'update',
        origin: 'adopted',
      });
    } else {
      this.counts.deleted++;
      const status = op.action === 'deactivate' ? 'deactivated' : 'deleted';
      this.pendingLedger.push({
        key: op.key,
        targetId: id,
        payloadHash: null,
        status,
        op: op.action ?? 'delete',
        origin: 'created',
      });
    }
    this.resolved(op.sourceKey);
    this.outcome(op.sourceKey, 'success', id ?? undefined);
  }

  private toWriteOp(op: PlanOp): WriteOp {
    if (op.op === 'create') return { op: 'create', key: op.key, record: op.record ?? {} };
    if (op.op === 'update')
      return {
        op: 'update',
        key: op.key,
        id: op.targetId ?? '',
        record: op.record ?? {},
        before: op.before ?? {},
        changes: op.changes ?? [],
      };
    return { op: 'delete', key: op.key, id: op.targetId ?? '', action: op.action ?? 'delete', before: op.before ?? {} };
  }

  /**
   * Writes with retries. Retryable failures (thrown for the whole call, or per record) are retried
   * with backoff; before a create is retried, the target is searched by its key and a record found
   * there counts as written (its acknowledgement was lost).
   */
  private async write(ops: PlanOp[]): Promise<Map<string, WriteOutcome>> {
    const policy = this.input.retry ?? DEFAULT_RETRY;
    const done = new Map<string, WriteOutcome>();
    let remaining = ops;
    for (let attempt = 1; remaining.length > 0; attempt++) {
      let outcomes: WriteOutcome[];
      try {
        outcomes = await this.input.target.write(remaining.map((o) => this.toWriteOp(o)));
      } catch (raw) {
        const err = asSluiceError(raw);
        if (err instanceof AuthError) throw err;
        outcomes = remaining.map((o) => ({ key: o.key, ok: false, error: err }));
      }
      const byKey = new Map(outcomes.map((o) => [o.key, o]));
      const retry: PlanOp[] = [];
      let delayFrom: SluiceError | undefined;
      for (const op of remaining) {
        const o = byKey.get(op.key) ?? {
          key: op.key,
          ok: false,
          error: new ConnectorError('NO_OUTCOME', 'the target returned no outcome for this record', {
            retryable: true,
          }),
        };
        if (o.ok || !o.error?.retryable || attempt >= policy.attempts) done.set(op.key, o);
        else {
          retry.push(op);
          delayFrom ??= o.error;
        }
      }
      remaining = retry;
      if (remaining.length === 0 || !delayFrom) break;
      this.counts.retries += remaining.length;
      const delay = retryDelay(delayFrom, attempt, policy);
      this.input.logger.warn(
        { attempt, records: remaining.length, delayMs: delay, code: delayFrom.code },
        `retrying ${remaining.length} write(s): ${delayFrom.message}`,
      );
      await sleep(delay);
      remaining = await this.adoptLostCreates(remaining, done);
    }
    return done;
  }

  /** Creates that the target already holds (a lost acknowledgement) are done; the rest are retried. */
  private async adoptLostCreates(ops: PlanOp[], done: Map<string, WriteOutcome>): Promise<PlanOp[]> {
    const creates = ops.filter((o) => o.op === 'create');
    if (creates.length === 0 || !this.input.canLookup) return ops;
    const found = await this.input.target.lookup(creates.map((o) => o.key));
    if (found.size === 0) return ops;
    return ops.filter((o) => {
      const f = o.op === 'create' ? found.get(o.key) : undefined;
      if (!f) return true;
      this.counts.recovered++;
      this.input.logger.info(
        { key: o.key, targetId: f.id },
        'create found in the target after a failed attempt: not sent again',
      );
      done.set(o.key, { key: o.key, ok: true, id: f.id });
      return false;
    });
  }

  private async commit(cursor?: string): Promise<void> {
    if (
      this.pendingLedger.length === 0 &&
      this.pendingAttention.length === 0 &&
      this.pendingResolved.length === 0 &&
      cursor === undefined
    )
      return;
    const batch = {
      ledger: this.pendingLedger,
      attention: this.pendingAttention,
      resolved: this.pendingResolved,
      ...(cursor !== undefined && { cursor }),
    };
    this.pendingLedger = [];
    this.pendingAttention = [];
    this.pendingResolved = [];
    await this.input.state.commit(this.input.pipeline, this.input.runId, batch);
  }
}
