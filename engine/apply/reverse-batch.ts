/**
 * A correction's first step: reversing posted records, with retries. A reversal may be sent again
 * even when its outcome is unknown, because the target refuses to reverse a record twice (the
 * connector reports that refusal as done). Outcome per record: reversed, failed, or unknown.
 */
import type { ReverseOp, TargetResource, WriteOutcome } from '../connector/types.js';
import { ConnectorError, SluiceError, describeError, type AuthError } from '../errors.js';
import type { CorrectOp } from '../plan/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { retryDelay, type RetryPolicy } from '../runtime/retry.js';

export type ReverseOutcome =
  | { kind: 'reversed'; op: CorrectOp; reversalId: string | null }
  | { kind: 'failed'; op: CorrectOp; error: SluiceError }
  | { kind: 'unknown'; op: CorrectOp; error: SluiceError };

export interface ReverseInput {
  target: TargetResource;
  policy: RetryPolicy;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
}

function toReverse(op: CorrectOp): ReverseOp {
  return {
    key: op.key,
    id: op.targetId,
    before: op.before,
    reason: `corrected: ${op.changes
      .map((c) => c.path)
      .slice(0, 5)
      .join(', ')} changed in the source`,
  };
}

export async function reverseBatch(
  input: ReverseInput,
  ops: CorrectOp[],
): Promise<{ outcomes: ReverseOutcome[]; fatal?: AuthError }> {
  const reverse = input.target.reverse;
  if (!reverse) {
    const error = new ConnectorError('CORRECTIONS_UNSUPPORTED', 'the target cannot reverse posted records');
    return { outcomes: ops.map((op) => ({ kind: 'failed', op, error })) };
  }
  const outcomes: ReverseOutcome[] = [];
  let remaining = ops;
  for (let attempt = 1; remaining.length > 0; attempt++) {
    let answers: WriteOutcome[];
    try {
      answers = await reverse.call(input.target, remaining.map(toReverse));
    } catch (raw) {
      const err =
        raw instanceof SluiceError
          ? raw
          : new ConnectorError('WRITE_FAILED', `the target connector failed: ${describeError(raw)}`, {
              cause: raw,
              retryable: true,
              writeOutcome: 'unknown',
            });
      if (err.code === 'AUTH_FAILED') {
        for (const op of remaining) outcomes.push({ kind: 'failed', op, error: err });
        return { outcomes, fatal: err as AuthError };
      }
      answers = remaining.map((o) => ({ key: o.key, ok: false, error: err }));
    }
    const byKey = new Map(answers.map((a) => [a.key, a]));
    const again: CorrectOp[] = [];
    let delayFrom: SluiceError | undefined;
    for (const op of remaining) {
      const a = byKey.get(op.key);
      if (a?.ok) {
        outcomes.push({ kind: 'reversed', op, reversalId: a.id ?? null });
        continue;
      }
      const error =
        a?.error ??
        new ConnectorError('NO_OUTCOME', 'the target returned no outcome for this reversal', { retryable: true });
      if (error.retryable && attempt < input.policy.attempts) {
        again.push(op);
        delayFrom ??= error;
      } else if (error.retryable || error.writeOutcome === 'unknown') outcomes.push({ kind: 'unknown', op, error });
      else outcomes.push({ kind: 'failed', op, error });
    }
    if (again.length === 0 || !delayFrom) break;
    const delay = retryDelay(delayFrom, attempt, input.policy);
    input.logger.warn(
      { attempt, records: again.length, delayMs: delay },
      `retrying ${again.length} reversal(s): ${delayFrom.message}`,
    );
    try {
      await input.clock.sleep(delay, input.signal);
    } catch {
      // stopped while waiting: a reversal already sent may have landed; the next run looks again
      for (const op of again) outcomes.push({ kind: 'unknown', op, error: delayFrom });
      return { outcomes };
    }
    remaining = again;
  }
  return { outcomes };
}
