/**
 * `prepareRecords` of the journal-entries target: each page of entries completed the way SAP B1
 * will hold them, with what only SAP knows: the posting date placed in an open posting period
 * (journal-periods.ts), then foreign-currency lines converted at SAP's rate for that date
 * (journal-currency.ts). Refusals park the record with reason class data; notes say what changed.
 */
import type { DataRecord, PreparedRecord, TargetRecord } from '../../../engine/connector/types.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { FinanceFacts } from './finance-facts.js';
import { convertCurrencies, type CurrencyOptions } from './journal-currency.js';
import type { PeriodPolicy } from './journal-options.js';
import { placeInPeriods } from './journal-periods.js';
import type { Step } from './journal-steps.js';

export interface PrepareSpec {
  periods: PeriodPolicy;
  rates: CurrencyOptions;
  /** The field that carries the dedupe key (to find entries already posted). */
  referenceField: string;
}

export interface PrepareDeps {
  facts: FinanceFacts;
  clock: Clock;
  /** The target's lookup: live posted entries by key. */
  lookup(keys: string[]): Promise<Map<string, TargetRecord>>;
}

export function journalPreparer(
  deps: PrepareDeps,
  spec: PrepareSpec,
): (records: DataRecord[]) => Promise<PreparedRecord[]> {
  return async (records) => {
    if (records.length === 0) return [];
    const today = new Date(deps.clock.now()).toISOString().slice(0, 10);
    let steps: Step[] = records.map((record) => ({ ok: true, record, notes: [] }));
    const ready = (s: Step): boolean => s.ok && Array.isArray(s.record.JournalEntryLines);
    if (steps.some(ready)) {
      const periods = await deps.facts.postingPeriods();
      steps = await placeInPeriods(steps, {
        periods,
        policy: spec.periods,
        today,
        keyOf: (r) => (typeof r[spec.referenceField] === 'string' ? (r[spec.referenceField] as string) : undefined),
        posted: (keys) => deps.lookup(keys),
      });
      steps = await convertCurrencies(steps, deps.facts, today, spec.rates);
    }
    return steps.map((s): PreparedRecord => {
      if (!s.ok) return { ok: false, code: s.code, message: s.message, reasonClass: 'data' };
      return { ok: true, record: s.record, ...(s.notes.length > 0 && { notes: s.notes }) };
    });
  };
}
