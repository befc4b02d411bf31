/**
 * What apply has done so far and not yet committed: ledger rows, attention entries, resolutions and
 * pending rows to drop, plus the counts and per-source-record outcomes of the whole apply. The
 * applier hands its contents to a commit with `take()`; the result is read once at the end.
 */
import type { ConfirmOutcome, DataRecord } from '../connector/types.js';
import { RecordFailure, describeError, type SluiceError } from '../errors.js';
import type { CorrectOp, InDoubtOp, ForgetOp, LockedOp, NoopOp, PlanAttention } from '../plan/types.js';
import { isoNow, type Clock } from '../runtime/clock.js';
import type { LedgerWrite } from '../state/ledger.js';
import type { LogWrite, RunTrigger } from '../state/log.js';
import type { ApplyCounts } from './applier.js';
import type { WritableOp } from './write-batch.js';

const SAMPLE = 10;

export class ApplyLog {
  readonly counts: ApplyCounts = {
    created: 0,
    updated: 0,
    deleted: 0,
    forgotten: 0,
    adopted: 0,
    recovered: 0,
    inDoubt: 0,
    reversed: 0,
    failed: 0,
    retries: 0,
    attention: 0,
  };
  retries = 0;
  private ledger: LedgerWrite[] = [];
  private attention: PlanAttention[] = [];
  private resolvedKeys: string[] = [];
  private drop: string[] = [];
  private log: LogWrite[] = [];
  private readonly firstAttention: PlanAttention[] = [];
  private readonly byRecord = new Map<string, ConfirmOutcome>();
  /** Field changes of locked operations, until their attention entry (which follows) is logged. */
  private readonly lockedChanges = new Map<string, LockedOp['changes']>();
  /** Source records whose entry a noop resolved, logged once. */
  private readonly inSyncLogged = new Set<string>();

  constructor(
    private readonly openAttention: ReadonlySet<string>,
    private readonly collectOutcomes: boolean,
    private readonly sourceRecords: ReadonlyMap<string, DataRecord>,
    /** What started the attempt on a record (the run's trigger, or `resync` for the records asked for). */
    private readonly trigger: (sourceKey: string) => RunTrigger = () => 'manual',
    /** What of a target record an outcome keeps (SourceResource.confirmKeepsTarget; absent: all of it). */
    private readonly keepTarget?: (record: DataRecord) => DataRecord | undefined,
  ) {}

  pendingSize(): number {
    return this.ledger.length + this.attention.length + this.resolvedKeys.length + this.drop.length + this.log.length;
  }

  take(): {
    ledger: LedgerWrite[];
    attention: PlanAttention[];
    resolved: string[];
    dropPending: string[];
    log: LogWrite[];
  } {
    const out = {
      ledger: this.ledger,
      attention: this.attention,
      resolved: this.resolvedKeys,
      dropPending: this.drop,
      log: this.log,
    };
    this.ledger = [];
    this.attention = [];
    this.resolvedKeys = [];
    this.drop = [];
    this.log = [];
    return out;
  }

  private logged(entry: Omit<LogWrite, 'trigger'>): void {
    this.log.push({ ...entry, trigger: this.trigger(entry.sourceKey) });
  }

  /** A locked operation of the plan: its attention entry follows and is logged with these changes. */
  locked(op: LockedOp): void {
    if (op.changes) this.lockedChanges.set(op.key, op.changes);
    this.outcome(op.sourceKey, 'deferred', op.targetId, op.reason);
  }

  /** An attention entry of the plan (a record refused before any write). */
  park(att: PlanAttention): void {
    // A create still in doubt is parked again by every run until it is settled: logged once, when sent.
    if (att.stage !== 'in-doubt') {
      const changes = att.dedupeKey !== undefined ? this.lockedChanges.get(att.dedupeKey) : undefined;
      if (att.dedupeKey !== undefined) this.lockedChanges.delete(att.dedupeKey);
      this.logged({
        sourceKey: att.sourceKey,
        dedupeKey: att.dedupeKey,
        op: att.stage,
        outcome: att.stage === 'locked' ? 'locked' : 'parked',
        changes,
        code: att.code,
        reasonClass: att.reasonClass,
        message: att.message,
      });
    }
    this.parkEntry(att);
  }

  private parkEntry(att: PlanAttention): void {
    this.attention.push(att);
    this.counts.attention++;
    if (this.firstAttention.length < SAMPLE) this.firstAttention.push(att);
    // Locked and failed records included: the source learns that this version was not posted, and why.
    if (att.stage !== 'in-doubt') this.outcome(att.sourceKey, 'failure', undefined, att.message);
  }

  outcome(
    sourceKey: string,
    status: ConfirmOutcome['status'],
    targetId?: string,
    message?: string,
    targetRecord?: DataRecord,
  ): void {
    if (!this.collectOutcomes) return;
    const prev = this.byRecord.get(sourceKey);
    // A source record with several target records succeeds only when all of them do.
    if (prev && (prev.status === 'failure' || (prev.status === 'deferred' && status === 'success'))) return;
    const record = this.sourceRecords.get(sourceKey) ?? {};
    if (targetRecord !== undefined && this.keepTarget) targetRecord = this.keepTarget(targetRecord);
    this.byRecord.set(sourceKey, {
      sourceKey,
      record,
      status,
      ...(targetId !== undefined && { targetId }),
      ...(message !== undefined && { message }),
      ...(targetRecord !== undefined && { targetRecord }),
    });
  }

  private resolved(sourceKey: string): void {
    if (this.openAttention.has(sourceKey)) this.resolvedKeys.push(sourceKey);
  }

  /**
   * A noop of a record with an open entry: nothing is written, so the log says why the entry is
   * resolved (once per source record).
   */
  private resolvedInSync(op: NoopOp): void {
    if (!this.openAttention.has(op.sourceKey) || this.inSyncLogged.has(op.sourceKey)) return;
    this.inSyncLogged.add(op.sourceKey);
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: 'noop',
      outcome: 'resolved',
      targetId: op.targetId,
      payloadHash: op.payloadHash,
      message: op.unchanged
        ? 'in sync: the source record is the one last written to the target; its attention entry is resolved'
        : 'in sync: the target record already holds what the source gives; its attention entry is resolved',
    });
  }

  noop(op: NoopOp): void {
    if (op.adopt) {
      this.counts.adopted++;
      this.logged({
        sourceKey: op.sourceKey,
        dedupeKey: op.key,
        op: 'adopt',
        outcome: 'adopted',
        targetId: op.targetId,
        payloadHash: op.payloadHash,
      });
    }
    if (op.adopt || op.fingerprint) {
      this.ledger.push({
        key: op.key,
        targetId: op.targetId,
        payloadHash: op.payloadHash,
        status: 'written',
        op: 'noop',
        origin: 'adopted',
        sourceKey: op.sourceKey,
        ...(op.fingerprint && {
          fingerprint: { sourceKey: op.sourceKey, ...op.fingerprint, targetHash: op.targetHash },
        }),
      });
    }
    this.resolvedInSync(op);
    this.resolved(op.sourceKey);
    this.outcome(op.sourceKey, 'success', op.targetId, undefined, op.held);
  }

  forget(op: ForgetOp): void {
    this.counts.forgotten++;
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: 'forget',
      outcome: 'forgotten',
      targetId: op.targetId,
      message: 'the target record is already gone; the ledger forgets it',
    });
    this.ledger.push({
      key: op.key,
      targetId: op.targetId ?? null,
      payloadHash: null,
      status: 'deleted',
      op: 'delete',
      origin: 'created',
    });
  }

  heldInDoubt(op: InDoubtOp): void {
    this.counts.inDoubt++;
    this.outcome(op.sourceKey, 'deferred', undefined, `in doubt until ${op.settleAfter}`);
  }

  /** The ledger row of a correction before its reversal is sent. */
  reversing(op: CorrectOp): LedgerWrite {
    return {
      key: op.key,
      targetId: op.targetId,
      payloadHash: null,
      status: 'reversing',
      op: 'reverse',
      origin: 'created',
    };
  }

  reversed(op: CorrectOp, reversalId: string | null): void {
    this.counts.reversed++;
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: 'reverse',
      outcome: 'reversed',
      targetId: op.targetId,
      changes: op.changes,
      message: `posted record ${op.targetId} reversed${reversalId !== null ? ` by ${reversalId}` : ''}; its new version is posted next`,
    });
    this.ledger.push({
      key: op.key,
      targetId: op.targetId,
      payloadHash: null,
      status: 'reversed',
      op: 'reverse',
      origin: 'created',
      ...(reversalId !== null && { reversalId }),
    });
  }

  /** A reversal refused (the posted record stays as it is) or whose outcome is unknown (the next run looks again). */
  reverseFailed(op: CorrectOp, error: SluiceError, unknown: boolean): void {
    this.counts.failed++;
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: 'reverse',
      outcome: unknown ? 'in-doubt' : 'failed',
      targetId: op.targetId,
      changes: op.changes,
      code: error.code,
      reasonClass: unknown ? 'transient' : error.reasonClass,
      message: describeError(error),
    });
    if (!unknown)
      this.ledger.push({
        key: op.key,
        targetId: op.targetId,
        payloadHash: null,
        status: 'written',
        op: 'create',
        origin: 'created',
      });
    this.parkEntry({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      stage: 'apply',
      code: error.code,
      reasonClass: unknown ? 'transient' : error.reasonClass,
      message: `the correction could not reverse ${op.targetId}${unknown ? ' (its outcome is unknown; the next run looks again)' : ''}: ${describeError(error)}`,
      payload: op.source,
      ...(!unknown && op.sourceFp !== undefined && { sourceFp: op.sourceFp }),
    });
    this.outcome(op.sourceKey, unknown ? 'deferred' : 'failure', undefined, error.message);
  }

  written(op: WritableOp, id: string | null, recovered: boolean): void {
    if (recovered) this.counts.recovered++;
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: op.op === 'delete' ? op.action : op.op,
      outcome: recovered ? 'recovered' : 'written',
      targetId: id,
      payloadHash: 'payloadHash' in op ? op.payloadHash : null,
      changes: op.op === 'update' ? op.changes : undefined,
      ...(op.op === 'create' && op.supersedes && { message: `new version of the reversed record ${op.supersedes}` }),
    });
    if (op.op === 'create') {
      this.counts.created++;
      this.ledger.push({
        key: op.key,
        targetId: id,
        payloadHash: op.payloadHash,
        status: 'written',
        op: 'create',
        origin: 'created',
        sourceKey: op.sourceKey,
        ...(op.supersedes && { supersedes: op.supersedes }),
        ...(op.fingerprint && { fingerprint: { sourceKey: op.sourceKey, ...op.fingerprint, targetHash: null } }),
      });
    } else if (op.op === 'update') {
      this.counts.updated++;
      this.ledger.push({
        key: op.key,
        targetId: id,
        payloadHash: op.payloadHash,
        status: 'written',
        op: 'update',
        origin: 'adopted',
        sourceKey: op.sourceKey,
        ...(op.fingerprint && { fingerprint: { sourceKey: op.sourceKey, ...op.fingerprint, targetHash: null } }),
      });
    } else {
      this.counts.deleted++;
      const status = op.action === 'deactivate' ? 'deactivated' : 'deleted';
      this.ledger.push({ key: op.key, targetId: id, payloadHash: null, status, op: op.action, origin: 'created' });
    }
    this.resolved(op.sourceKey);
    this.outcome(op.sourceKey, 'success', id ?? undefined, undefined, 'record' in op ? op.record : undefined);
  }

  inDoubt(op: WritableOp, error: SluiceError, clock: Clock): void {
    this.counts.inDoubt++;
    const now = isoNow(clock);
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: op.op === 'delete' ? op.action : op.op,
      outcome: 'in-doubt',
      payloadHash: 'payloadHash' in op ? op.payloadHash : null,
      code: 'WRITE_IN_DOUBT',
      reasonClass: 'transient',
      message: describeError(error),
    });
    this.parkEntry({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      stage: 'in-doubt',
      code: 'WRITE_IN_DOUBT',
      reasonClass: 'transient',
      message:
        `the create of key ${op.key} was sent (${now}) and its outcome is unknown: ${describeError(error)}. ` +
        'It is not sent again until the target can no longer commit it; the next run after that searches the target by its key and sends it only if it is not there',
      ...('source' in op && { payload: op.source }),
    });
    this.outcome(op.sourceKey, 'deferred', undefined, 'in doubt');
  }

  /** A create known not to be applied: its pending row goes (a correction's goes back to `reversed`). */
  private notApplied(op: WritableOp): void {
    if (op.op !== 'create') return;
    if (op.supersedes)
      this.ledger.push({
        key: op.key,
        targetId: op.supersedes,
        payloadHash: null,
        status: 'reversed',
        op: 'reverse',
        origin: 'created',
      });
    else this.drop.push(op.key);
  }

  failed(op: WritableOp, error: SluiceError): void {
    this.counts.failed++;
    this.notApplied(op);
    this.logged({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      op: op.op === 'delete' ? op.action : op.op,
      outcome: 'failed',
      ...('targetId' in op && { targetId: op.targetId }),
      payloadHash: 'payloadHash' in op ? op.payloadHash : null,
      changes: op.op === 'update' ? op.changes : undefined,
      code: error.code,
      reasonClass: error.reasonClass,
      message: describeError(error),
    });
    this.parkEntry({
      sourceKey: op.sourceKey,
      dedupeKey: op.key,
      stage: 'apply',
      code: error.code,
      reasonClass: error.reasonClass,
      message: describeError(error),
      ...('source' in op && { payload: op.source }),
      // refused by the target: not sent again while nothing it depends on changes (state/attention.ts)
      ...('sourceFp' in op && op.sourceFp !== undefined && { sourceFp: op.sourceFp }),
    });
    this.outcome(op.sourceKey, error.retryable ? 'deferred' : 'failure', undefined, error.message);
  }

  notAttempted(op: WritableOp): void {
    this.notApplied(op);
  }

  failFast(error: SluiceError): RecordFailure {
    return new RecordFailure(
      'RECORD_FAILED',
      `a record failed to write: ${error.message} (on_error: fail stops the run)`,
      {
        cause: error,
      },
    );
  }

  outcomes(): ConfirmOutcome[] {
    return [...this.byRecord.values()];
  }

  sample(): PlanAttention[] {
    return [...this.firstAttention];
  }
}
