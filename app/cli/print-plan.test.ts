import { describe, expect, it } from 'vitest';
import { emptyCounts, type PlanCounts, type PlanOp, type PlanSummary } from '../../engine/plan/types.js';
import { formatPlan } from './print-plan.js';

const counts = (c: Partial<PlanCounts>): PlanCounts => ({ ...emptyCounts(), ...c });
const summary = (c: Partial<PlanCounts>): PlanSummary => ({
  counts: counts(c),
  targetStateHash: 'x',
  planHash: 'y',
  cursor: {},
  warnings: [],
});
const create = (i: number): PlanOp =>
  ({
    op: 'create',
    key: `k${i}`,
    sourceKey: `k${i}`,
    targetHash: 'absent',
    payloadHash: 'h',
    record: { i },
  }) as unknown as PlanOp;

describe('the printed plan', () => {
  it('counts what it leaves out: 10,000 changes, 1,000 kept, 200 shown → "… 9,800 more"', () => {
    const ops = Array.from({ length: 1000 }, (_, i) => create(i));
    const text = formatPlan('p', summary({ create: 10_000, read: 10_000 }), ops, [], { ops: 10_000, attention: 0 });
    expect(text.split('\n').filter((l) => l.startsWith('+ create'))).toHaveLength(200);
    expect(text).toContain('… 9,800 more change(s)');
    expect(text).toContain('10,000 to create');
  });

  it('says nothing is left out when everything is shown', () => {
    const text = formatPlan('p', summary({ create: 3 }), [create(1), create(2), create(3)], [], {
      ops: 3,
      attention: 0,
    });
    expect(text).not.toContain('more change');
  });

  it('names the delete action the pipeline takes: deactivate', () => {
    const op = {
      op: 'delete',
      key: 'v1',
      sourceKey: 'v1',
      targetHash: 't',
      targetId: '7',
      action: 'deactivate',
    } as unknown as PlanOp;
    const text = formatPlan('p', summary({ delete: 1 }), [op], [], { ops: 1, attention: 0 }, 'deactivate');
    expect(text).toContain('- deactivate  v1 (7)');
    expect(text).toContain('1 to deactivate');
    expect(text).not.toMatch(/to delete/);
  });
});
