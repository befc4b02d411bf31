import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { ArState } from './state.js';
import { DEMO_SEED } from './seed.js';
import { ArStore } from './store.js';

describe('AR-platform store', () => {
  it('orders by (updatedAt, key), keeps stamps of unchanged writes, moves them on change', () => {
    const clock = new ManualClock(Date.UTC(2024, 6, 1));
    const store = new ArStore(clock);
    const limit = { customerExternalId: 'C2', creditLimit: 5, currency: 'USD', calculatedAt: 'x' };
    expect(store.put('creditLimits', limit)).toMatchObject({ created: true, changed: true });
    store.put('creditLimits', { ...limit, customerExternalId: 'C1' });
    expect(store.all('creditLimits').map((r) => r.customerExternalId)).toEqual(['C1', 'C2']);
    clock.advance(1000);
    expect(store.put('creditLimits', limit)).toMatchObject({ created: false, changed: false });
    store.put('creditLimits', { ...limit, creditLimit: 6 });
    expect(store.all('creditLimits').map((r) => [r.customerExternalId, r.updatedAt])).toEqual([
      ['C1', '2024-07-01T00:00:00.000Z'],
      ['C2', '2024-07-01T00:00:01.000Z'],
    ]);
    expect(store.get('creditLimits', 'C2')?.createdAt).toBe('2024-07-01T00:00:00.000Z');
  });

  it('new platform ids start above the seeded or restored ones (the demo restores the Maps)', () => {
    const clock = new ManualClock(Date.UTC(2024, 6, 1));
    const first = new ArState(new ArStore(clock));
    first.seed(DEMO_SEED);
    expect(first.store.newId('customers')).toBe('cus_000007');
    const saved = JSON.parse(JSON.stringify([...first.store.collections.invoices.entries()])) as [string, never][];
    const second = new ArStore(clock);
    for (const [k, v] of saved) second.collections.invoices.set(k, v);
    expect(second.newId('invoices')).toBe('inv_000007');
    expect(second.newId('invoices')).toBe('inv_000008');
  });
});
