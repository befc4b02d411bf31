/**
 * Stale-plan check for `sluice apply`: re-reads every target record the plan touches and compares it
 * with what the plan saw. Any difference refuses the whole apply before anything is written.
 */
import type { TargetRecord } from '../connector/types.js';
import { SluiceError } from '../errors.js';
import { targetState } from '../plan/hash.js';
import type { PlanOp } from '../plan/types.js';

export class StalePlanError extends SluiceError {}

const BATCH = 500;

export async function checkPlanFresh(
  ops: readonly PlanOp[],
  lookup: (keys: string[]) => Promise<Map<string, TargetRecord>>,
): Promise<void> {
  const relevant = ops.filter((o) => o.op !== 'locked');
  const changed: string[] = [];
  for (let i = 0; i < relevant.length; i += BATCH) {
    const chunk = relevant.slice(i, i + BATCH);
    const found = await lookup(chunk.map((o) => o.key));
    for (const op of chunk) {
      const now = targetState(found.get(op.key));
      if (now !== op.targetHash)
        changed.push(
          `${op.key} (${op.targetHash === 'absent' ? 'now exists' : now === 'absent' ? 'now missing' : 'changed'})`,
        );
    }
  }
  if (changed.length > 0) {
    throw new StalePlanError(
      'PLAN_STALE',
      `the target changed since the plan was made: ${changed.length} record(s) differ: ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ', …' : ''}. ` +
        'Nothing was written. Run sluice plan again and review the new plan',
    );
  }
}
