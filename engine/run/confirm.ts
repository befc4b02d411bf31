/**
 * The generic "confirm to source after apply" hook: a source resource with the `confirm`
 * capability (Concur FIS) is told, per source record, whether the target now holds it. A failed
 * confirmation parks the record so a re-sync sends it again.
 */
import type { ConfirmOutcome, SourceResource } from '../connector/types.js';
import { asSluiceError, describeError } from '../errors.js';
import type { PlanAttention } from '../plan/types.js';
import type { Logger } from '../runtime/logger.js';
import { withRetry } from '../runtime/retry.js';

export async function confirmToSource(
  source: SourceResource,
  outcomes: ConfirmOutcome[],
  attention: PlanAttention[],
  logger: Logger,
): Promise<{ sent: number; failed: number }> {
  const due = outcomes.filter((o) => o.status !== 'deferred');
  if (!source.confirm || due.length === 0) return { sent: 0, failed: 0 };
  try {
    await withRetry(() => source.confirm!(due), undefined, {
      onRetry: (e, attempt, delayMs) =>
        logger.warn({ attempt, delayMs, code: e.code }, `confirmation failed, retrying: ${e.message}`),
    });
    return { sent: due.length, failed: 0 };
  } catch (raw) {
    const err = asSluiceError(raw);
    for (const o of due) {
      attention.push({
        sourceKey: o.sourceKey,
        stage: 'confirm',
        code: err.code,
        message: `the target ${o.status === 'success' ? 'holds' : 'rejected'} the record but the confirmation to the source failed: ${describeError(err)}; re-sync to send it again`,
        payload: o.record,
      });
    }
    return { sent: 0, failed: due.length };
  }
}
