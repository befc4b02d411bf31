import { describe, expect, it } from 'vitest';
import { CompanyFacts } from './company.js';

describe('company facts', () => {
  it('stores rates per day from ranges; the local currency has rate 1', () => {
    const c = new CompanyFacts({ LocalCurrency: 'USD', Currencies: ['EUR'] });
    c.addRates([
      { Currency: 'EUR', From: '2025-02-27', To: '20250302', Rate: 1.1 },
      { Currency: 'EUR', From: '2025-03-01', Rate: 1.2 },
    ]);
    expect(
      ['2025-02-26', '2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02', '2025-03-03'].map((d) => c.rate('EUR', d)),
    ).toEqual([undefined, 1.1, 1.1, 1.2, 1.1, undefined]);
    expect(c.rate('USD', '1999-01-01')).toBe(1);
    expect(c.deleteRate('EUR', '2025-02-28')).toBe(true);
    expect(c.rate('EUR', '2025-02-28')).toBeUndefined();
  });

  it('derives monthly, quarterly and yearly periods; only unlocked ones take journal entries', () => {
    const c = new CompanyFacts();
    expect(c.postable('2025-01-01')).toBe(true); // no periods defined: no check
    c.setPeriods([
      {
        PeriodCategory: '2024',
        BeginningofFinancialYear: '2024-01-01',
        SubPeriodType: 'spt_Quarters',
        PeriodStatus: 'ltLocked',
      },
      { PeriodCategory: '2025', BeginningofFinancialYear: '2025-01-01', Statuses: { '2025-02': 'ltPeriodClosing' } },
      { PeriodCategory: 'FY26', BeginningofFinancialYear: '2025-07-01', SubPeriodType: 'spt_Year' },
    ]);
    expect(c.categories.map((k) => k.periods.length)).toEqual([4, 12, 1]);
    expect(c.periodOf('2024-05-15')).toMatchObject({
      PeriodCode: '2024-Q2',
      PostingDateFrom: '2024-04-01',
      PostingDateTo: '2024-06-30',
    });
    expect(c.periodOf('2025-02-28')).toMatchObject({ PeriodCode: '2025-02', PeriodStatus: 'ltPeriodClosing' });
    expect(c.categories[1]!.periods[11]).toMatchObject({ PostingDateFrom: '2025-12-01', PostingDateTo: '2025-12-31' });
    expect([
      c.postable('2024-05-15'),
      c.postable('2025-02-01'),
      c.postable('2025-03-01'),
      c.postable('2027-01-01'),
    ]).toEqual([false, false, true, false]);
    expect(c.setPeriodStatus('2025-03', 'ltUnlockedExceptSales')).toBe(true);
    expect(c.postable('2025-03-01')).toBe(true);
    expect(c.setPeriodStatus('1999-01', 'ltLocked')).toBe(false);
  });

  it('a snapshot restores rates and periods (a failed $batch change set)', () => {
    const c = new CompanyFacts();
    c.setPeriods([{ PeriodCategory: '2025', BeginningofFinancialYear: '2025-01-01' }]);
    c.setRate('EUR', '2025-01-02', 1.05);
    const restore = c.snapshot();
    c.setRate('EUR', '2025-01-02', 2);
    c.setPeriodStatus('2025-01', 'ltLocked');
    restore();
    expect(c.rate('EUR', '2025-01-02')).toBe(1.05);
    expect(c.postable('2025-01-15')).toBe(true);
  });

  it('a change set copies the facts only when one changes, and its rollback restores them', () => {
    const c = new CompanyFacts();
    c.setPeriods([{ PeriodCategory: '2025', BeginningofFinancialYear: '2025-01-01' }]);
    c.setRate('EUR', '2025-01-02', 1.05);
    const kept = c.begin();
    c.setRate('EUR', '2025-01-03', 1.1);
    kept.end();
    const undone = c.begin();
    c.setRate('EUR', '2025-01-02', 2);
    c.deleteRate('EUR', '2025-01-03');
    c.setPeriodStatus('2025-01', 'ltLocked');
    undone.rollback();
    expect([c.rate('EUR', '2025-01-02'), c.rate('EUR', '2025-01-03')]).toEqual([1.05, 1.1]);
    expect(c.postable('2025-01-15')).toBe(true);
    // after the change set ended, changes are not undone by a stale rollback
    c.setRate('EUR', '2025-01-02', 3);
    undone.rollback();
    expect(c.rate('EUR', '2025-01-02')).toBe(3);
  });
});
