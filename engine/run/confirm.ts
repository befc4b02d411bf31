/**
 * The generic "confirm to source after apply" hook: a source resource with the `confirm`
 * capability (Concur FIS) is told, per source record, whether the target now holds it. A failed
 * confirmation parks the records so a re-sync sends it again.
 */
import type { ConfirmOutcome, SourceResource } from '../connector/types.js';
import { asSluiceError, describeError } from '../errors.js';
import type { PlanAttention } from '../plan/types.js';
import type { Logger } from '../runtime/logger.js';
import { withRetry } from '../runtime/retry.js';

export interface ConfirmResult {
  sent: number;
  failed: number;
  /** One entry per record whose confirmation could not be delivered. */
  attention: PlanAttention[];
}

export async function confirmToSource(
  source: SourceResource,
  outcomes: readonly ConfirmOutcome[],
  logger: Logger,
): Promise<ConfirmResult> {
  const due = outcomes.filter((o) => o.status !== 'deferred');
  if (!source.confirm || due.length === 0) return { sent: 0, failed: 0, attention: [] };
  try {
    await withRetry(() => source.confirm!(due), undefined, {
      onRetry: (e, attempt, delayMs) =>
        logger.warn({ attempt, delayMs, code: e.code }, `confirmation failed, retrying: ${e.message}`),
    });
    return { sent: due.length, failed: 0, attention: [] };
  } catch (raw) {
    const err = asSluiceError(raw);
    const attention = due.map((o): PlanAttention => ({
      sourceKey: o.sourceKey,
      stage: 'confirm',
      code: err.code,
      reasonClass: err.reasonClass,
      message: `the target ${o.status === 'success' ? 'holds' : 'rejected'} the record but the confirmation to the source failed: ${describeError(err)}; re-sync to send it again`,
      payload: o.record,
    }));
    return { sent: 0, failed: due.length, attention };
  }
}
