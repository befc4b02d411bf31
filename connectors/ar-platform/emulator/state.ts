/**
 * What tests and the demo do to the platform's data directly (the API only reads payments, deductions
 * and credit limits, as a real platform receives them from banks and computes them itself): seed it,
 * receive a payment, raise a deduction, recalculate a credit limit. Timestamps come from the clock.
 */
import type { ArCreditLimit, ArDeduction, ArPayment } from './model.js';
import type { ArSeed } from './seed.js';
import type { ArStore } from './store.js';

type New<T> = Omit<T, 'createdAt' | 'updatedAt'>;

export class ArState {
  constructor(readonly store: ArStore) {}

  /** Loads seed records with their own timestamps. */
  seed(seed: Partial<ArSeed>): void {
    const stamps = (r: { createdAt: string; updatedAt: string }) => ({
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    });
    for (const r of seed.customers ?? []) this.store.put('customers', r, stamps(r));
    for (const r of seed.invoices ?? []) this.store.put('invoices', r, stamps(r));
    for (const r of seed.payments ?? []) this.store.put('payments', r, stamps(r));
    for (const r of seed.deductions ?? []) this.store.put('deductions', r, stamps(r));
    for (const r of seed.creditLimits ?? []) this.store.put('creditLimits', r, stamps(r));
  }

  /** A payment arrives (or changes), stamped now. */
  receivePayment(payment: New<ArPayment>): ArPayment {
    return this.store.put('payments', payment).record;
  }

  /** A deduction is raised (or changes), stamped now. */
  putDeduction(deduction: New<ArDeduction>): ArDeduction {
    return this.store.put('deductions', deduction).record;
  }

  /**
   * The platform recalculates a customer's limit: `calculatedAt` is now; `updatedAt` moves only when
   * the value (or currency) changed, so an unchanged limit is not listed by `updatedSince`.
   */
  recalculateCreditLimit(customerExternalId: string, creditLimit: number, currency = 'USD'): ArCreditLimit {
    const old = this.store.get('creditLimits', customerExternalId);
    const calculatedAt = this.store.now();
    if (old && old.creditLimit === creditLimit && old.currency === currency) {
      const kept = { ...old, calculatedAt };
      this.store.put('creditLimits', kept, { createdAt: old.createdAt, updatedAt: old.updatedAt });
      return kept;
    }
    return this.store.put('creditLimits', { customerExternalId, creditLimit, currency, calculatedAt }).record;
  }
}
