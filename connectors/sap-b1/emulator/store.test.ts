import { describe, expect, it } from 'vitest';
import { EntityStore } from './store.js';

const invoice = (DocEntry: number, DocumentStatus = 'bost_Open') => ({ DocEntry, DocNum: DocEntry, DocumentStatus });

describe('EntityStore change sets', () => {
  it('a rollback undoes every change of the change set, however it was made, and nothing before it', () => {
    const store = new EntityStore();
    store.put('Invoices', invoice(1));
    store.put('Invoices', invoice(2));
    store.hidden.applied.set('Invoices(1)', 5);
    const before = store.next('IncomingPayments', () => 0);

    const cs = store.begin();
    store.put('Invoices', invoice(1, 'bost_Close')); // replaced
    store.delete('Invoices', 2); // removed
    store.state.Invoices.set('3', invoice(3)); // added straight into the map (as a test seeding it would)
    store.hidden.applied.set('Invoices(1)', 10);
    store.hidden.reversals.set(7, 8);
    store.next('IncomingPayments', () => 0);
    store.company.setRate('EUR', '2025-01-02', 1.2);
    cs.rollback();

    expect([...store.state.Invoices.values()]).toEqual([invoice(1), invoice(2)]);
    expect([...store.hidden.applied]).toEqual([['Invoices(1)', 5]]);
    expect(store.hidden.reversals.size).toBe(0);
    expect(store.next('IncomingPayments', () => 0)).toBe(before + 1);
    expect(store.company.rate('EUR', '2025-01-02')).toBeUndefined();
  });

  it('an ended change set keeps its changes, and later changes are not journaled', () => {
    const store = new EntityStore();
    const cs = store.begin();
    store.put('Invoices', invoice(1));
    store.state.Invoices.clear();
    store.put('Invoices', invoice(2));
    cs.end();
    cs.rollback(); // too late: it ended
    expect([...store.state.Invoices.keys()]).toEqual(['2']);
    const next = store.begin();
    store.state.Invoices.clear();
    next.rollback();
    expect([...store.state.Invoices.keys()]).toEqual(['2']);
  });

  it('refuses a second change set while one is in progress', () => {
    const store = new EntityStore();
    store.begin();
    expect(() => store.begin()).toThrow(/already in progress/);
  });
});
