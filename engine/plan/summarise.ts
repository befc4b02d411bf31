/**
 * A plan's counts and hashes, computed from its items — the same function for a plan being made and
 * for a plan file being checked, so apply can tell when the operations do not match their summary.
 */
import { createHash } from 'node:crypto';
import { SequenceHash } from './hash.js';
import { countField, emptyCounts, type PlanCounts, type PlanItem, type PlanOp } from './types.js';

export interface ItemTotals {
  counts: Omit<PlanCounts, 'read' | 'rejected' | 'skipped' | 'unchanged'>;
  /** Hash of every operation apply carries out (all but plain noops), in order. */
  planHash: string;
  /** Hash of the target state behind every operation (noops included), in order. */
  targetStateHash: string;
}

/** What apply does for an op, as hashed: plain noops do nothing and are not part of it. */
export function appliesSomething(op: PlanOp): boolean {
  return op.op !== 'noop' || op.adopt === true;
}

export class PlanHasher {
  private readonly plan = createHash('sha256');
  private readonly state = new SequenceHash();
  readonly counts: ItemTotals['counts'] = (({ read: _r, rejected: _j, skipped: _s, unchanged: _u, ...rest }) => rest)(
    emptyCounts(),
  );

  add(item: PlanItem): void {
    if (item.t === 'att') {
      this.counts.attention++;
      return;
    }
    const op = item.op;
    this.counts[countField(op.op)]++;
    this.state.add(`${op.key}=${op.targetHash}`);
    if (!appliesSomething(op)) return;
    const payload = 'payloadHash' in op ? op.payloadHash : '';
    const extra = op.op === 'delete' ? op.action : op.op === 'noop' ? 'adopt' : '';
    this.plan.update(`${op.op}\u0000${op.key}\u0000${payload}\u0000${op.targetHash}\u0000${extra}\n`);
  }

  totals(): ItemTotals {
    return { counts: { ...this.counts }, planHash: this.plan.digest('hex'), targetStateHash: this.state.digest() };
  }
}

export async function summariseItems(items: AsyncIterable<PlanItem>): Promise<ItemTotals> {
  const h = new PlanHasher();
  for await (const item of items) h.add(item);
  return h.totals();
}
