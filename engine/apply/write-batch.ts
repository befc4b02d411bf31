/**
 * One batch of writes with retries, and the outcome of each record: written, in doubt, failed, or
 * not attempted. A create whose failure leaves open whether the target applied it (timeout, reset,
 * 5xx, a lost answer: `mayHaveApplied`) is in doubt and is never sent again here: only settlement,
 * after the target's commit window, may search for it and send it again. Other retryable failures
 * are retried with backoff; before a create is retried the target is searched by its key, and a
 * record found there is written (its acknowledgement was lost).
 */
import type { TargetRecord, TargetResource, WriteOp, WriteOutcome } from '../connector/types.js';
import { AuthError, ConnectorError, SluiceError, asSluiceError, describeError, mayHaveApplied } from '../errors.js';
import type { CreateOp, DeleteOp, UpdateOp } from '../plan/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { retryDelay, type RetryPolicy } from '../runtime/retry.js';

export type WritableOp = CreateOp | UpdateOp | DeleteOp;

export type RecordOutcome =
  | { kind: 'written'; op: WritableOp; id: string | null; recovered: boolean }
  | { kind: 'in-doubt'; op: CreateOp; error: SluiceError }
  | { kind: 'failed'; op: WritableOp; error: SluiceError }
  /** Not sent (the run was stopped while waiting to retry it): nothing happened to it. */
  | { kind: 'not-attempted'; op: WritableOp };

export interface BatchResult {
  outcomes: RecordOutcome[];
  retries: number;
  /** Credentials were refused: the run stops after this batch is committed. */
  fatal?: AuthError;
}

export interface WriteBatchInput {
  target: TargetResource;
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
  policy: RetryPolicy;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
  /** Called before creates are sent again, so their in-flight window is recorded anew first. */
  beforeResend(creates: CreateOp[]): Promise<void>;
}

function toWriteOp(op: WritableOp): WriteOp {
  if (op.op === 'create') return { op: 'create', key: op.key, record: op.record };
  if (op.op === 'update')
    return { op: 'update', key: op.key, id: op.targetId, record: op.record, before: op.before, changes: op.changes };
  return { op: 'delete', key: op.key, id: op.targetId, action: op.action, before: op.before };
}

const NO_OUTCOME = (): ConnectorError =>
  new ConnectorError('NO_OUTCOME', 'the target returned no outcome for this record', { retryable: true });

export async function writeBatch(input: WriteBatchInput, ops: WritableOp[]): Promise<BatchResult> {
  const outcomes: RecordOutcome[] = [];
  let retries = 0;
  let remaining = ops;
  for (let attempt = 1; remaining.length > 0; attempt++) {
    const mark = outcomes.length;
    let answers: WriteOutcome[];
    try {
      answers = await input.target.write(remaining.map(toWriteOp));
    } catch (raw) {
      // An exception that is not one of ours says nothing about what reached the target.
      const err =
        raw instanceof SluiceError
          ? raw
          : new ConnectorError('WRITE_FAILED', `the target connector failed: ${describeError(raw)}`, {
              cause: raw,
              writeOutcome: 'unknown',
            });
      if (err instanceof AuthError) {
        for (const op of remaining) outcomes.push({ kind: 'failed', op, error: err });
        return { outcomes, retries, fatal: err };
      }
      answers = remaining.map((o) => ({ key: o.key, ok: false, error: err }));
    }
    const byKey = new Map(answers.map((a) => [a.key, a]));
    const again: WritableOp[] = [];
    let delayFrom: SluiceError | undefined;
    for (const op of remaining) {
      const a = byKey.get(op.key) ?? { key: op.key, ok: false, error: NO_OUTCOME() };
      if (a.ok) {
        outcomes.push({ kind: 'written', op, id: a.id ?? ('targetId' in op ? op.targetId : null), recovered: false });
        continue;
      }
      const error = a.error ?? NO_OUTCOME();
      if (op.op === 'create' && mayHaveApplied(error)) outcomes.push({ kind: 'in-doubt', op, error });
      else if (error.retryable && attempt < input.policy.attempts) {
        again.push(op);
        delayFrom ??= error;
      } else outcomes.push({ kind: 'failed', op, error });
    }
    await settleAtOnce(input, outcomes, mark);
    if (again.length === 0 || !delayFrom) break;
    retries += again.length;
    const delay = retryDelay(delayFrom, attempt, input.policy);
    input.logger.warn(
      { attempt, records: again.length, delayMs: delay, code: delayFrom.code },
      `retrying ${again.length} write(s): ${delayFrom.message}`,
    );
    try {
      await input.clock.sleep(delay, input.signal);
    } catch {
      // stopped while waiting: these records were not applied and are not sent
      for (const op of again) outcomes.push({ kind: 'not-attempted', op });
      return { outcomes, retries };
    }
    remaining = await recoverLostCreates(input, again, outcomes);
  }
  return { outcomes, retries };
}

/**
 * In-doubt creates the target already shows are written (an answer lost after the commit). One not
 * found stays in doubt: the target may still be working on it, so absence proves nothing yet.
 */
async function settleAtOnce(input: WriteBatchInput, outcomes: RecordOutcome[], from: number): Promise<void> {
  const doubtful = outcomes
    .slice(from)
    .filter((o): o is Extract<RecordOutcome, { kind: 'in-doubt' }> => o.kind === 'in-doubt');
  if (doubtful.length === 0) return;
  let found: Map<string, TargetRecord>;
  try {
    found = await input.lookup(doubtful.map((o) => o.op.key));
  } catch (err) {
    input.logger.warn(
      { err: asSluiceError(err).message },
      'cannot look up creates whose outcome is unknown; they stay in doubt',
    );
    return;
  }
  for (const o of doubtful) {
    const f = found.get(o.op.key);
    if (!f) continue;
    input.logger.info({ key: o.op.key, targetId: f.id }, 'create found in the target although its answer was lost');
    outcomes[outcomes.indexOf(o)] = { kind: 'written', op: o.op, id: f.id, recovered: true };
  }
}

/** Creates the target already holds (an acknowledgement lost) are written; the rest are sent again. */
async function recoverLostCreates(
  input: WriteBatchInput,
  ops: WritableOp[],
  outcomes: RecordOutcome[],
): Promise<WritableOp[]> {
  const creates = ops.filter((o): o is CreateOp => o.op === 'create');
  if (creates.length === 0) return ops;
  let found: Map<string, TargetRecord>;
  try {
    found = await input.lookup(creates.map((o) => o.key));
  } catch (raw) {
    // Their last attempt was refused (not applied), but without a look-up they are not sent again.
    const error = asSluiceError(raw);
    for (const op of creates) outcomes.push({ kind: 'failed', op, error });
    return ops.filter((o) => o.op !== 'create');
  }
  const rest = ops.filter((o) => {
    const f = o.op === 'create' ? found.get(o.key) : undefined;
    if (!f) return true;
    input.logger.info(
      { key: o.key, targetId: f.id },
      'create found in the target after a failed attempt: not sent again',
    );
    outcomes.push({ kind: 'written', op: o, id: f.id, recovered: true });
    return false;
  });
  const resend = rest.filter((o): o is CreateOp => o.op === 'create');
  if (resend.length > 0) await input.beforeResend(resend);
  return rest;
}
