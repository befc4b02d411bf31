/**
 * What the company database knows besides its entity sets (fact sheet §12): its local and system
 * currencies, exchange rates per currency and day (B1 keeps one rate per currency and date), and
 * its posting periods (period categories, one per financial year, each with finance periods and
 * their `PeriodStatusEnum` status). Journal entry rules read them; the SBOBobService and
 * CompanyService function imports (functions.ts) read and write them.
 */
import { normalizeDate } from './edm/codec.js';

export const PERIOD_STATUSES = ['ltUnlocked', 'ltUnlockedExceptSales', 'ltPeriodClosing', 'ltLocked'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];
/** A manual journal entry may be posted in these (`ltUnlockedExceptSales` locks sales documents only). */
export const OPEN_FOR_JOURNAL_ENTRIES: readonly PeriodStatus[] = ['ltUnlocked', 'ltUnlockedExceptSales'];

export const SUB_PERIOD_TYPES = ['spt_Year', 'spt_Quarters', 'spt_Months'] as const;
export type SubPeriodType = (typeof SUB_PERIOD_TYPES)[number];

/** `SAPB1.FinancePeriod` (the fields the emulator keeps). */
export interface FinancePeriod {
  AbsoluteEntry: number;
  PeriodCode: string;
  PeriodName: string;
  PostingDateFrom: string;
  PostingDateTo: string;
  ValueDateFrom: string;
  ValueDateTo: string;
  TaxDateFrom: string;
  TaxDateTo: string;
  PeriodStatus: PeriodStatus;
}

export interface PeriodCategory {
  AbsoluteEntry: number;
  PeriodCategory: string;
  BeginningofFinancialYear: string;
  SubPeriodType: SubPeriodType;
  periods: FinancePeriod[];
}

/** One financial year as fixtures and options give it: its sub-periods are derived. */
export interface PeriodCategorySpec {
  PeriodCategory: string;
  /** First day of the financial year (`YYYY-MM-DD`). */
  BeginningofFinancialYear: string;
  /** Default spt_Months (12 periods). */
  SubPeriodType?: SubPeriodType;
  /** Status of every period not listed in `Statuses` (default ltUnlocked). */
  PeriodStatus?: PeriodStatus;
  /** Status per period code (`2025-01`, `2025-Q1`, `2025`). */
  Statuses?: Record<string, PeriodStatus>;
}

/** A rate (local currency per unit of `Currency`) on `From`, or on every day from `From` to `To`. */
export interface RateSpec {
  Currency: string;
  From: string;
  To?: string;
  Rate: number;
}

export interface CompanySpec {
  LocalCurrency?: string;
  SystemCurrency?: string;
  /** Currencies defined in the company (OCRN); the local and system ones are always defined. */
  Currencies?: string[];
}

const DAY = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return isoDay(d.getTime());
}

function derivePeriods(spec: PeriodCategorySpec, nextEntry: () => number): FinancePeriod[] {
  const type = spec.SubPeriodType ?? 'spt_Months';
  const count = type === 'spt_Year' ? 1 : type === 'spt_Quarters' ? 4 : 12;
  const step = 12 / count;
  const start = spec.BeginningofFinancialYear;
  return Array.from({ length: count }, (_, i) => {
    const from = addMonths(start, i * step);
    const to = isoDay(dayMs(addMonths(start, (i + 1) * step)) - DAY);
    const code =
      type === 'spt_Year'
        ? spec.PeriodCategory
        : type === 'spt_Quarters'
          ? `${spec.PeriodCategory}-Q${i + 1}`
          : from.slice(0, 7);
    return {
      AbsoluteEntry: nextEntry(),
      PeriodCode: code,
      PeriodName: code,
      PostingDateFrom: from,
      PostingDateTo: to,
      ValueDateFrom: from,
      ValueDateTo: to,
      TaxDateFrom: from,
      TaxDateTo: to,
      PeriodStatus: spec.Statuses?.[code] ?? spec.PeriodStatus ?? 'ltUnlocked',
    };
  });
}

export class CompanyFacts {
  localCurrency: string;
  systemCurrency: string;
  readonly currencies = new Set<string>();
  /** Currency → date (`YYYY-MM-DD`) → local currency per unit. */
  rates = new Map<string, Map<string, number>>();
  categories: PeriodCategory[] = [];
  private nextPeriodEntry = 1;

  constructor(spec: CompanySpec = {}) {
    this.localCurrency = spec.LocalCurrency ?? 'USD';
    this.systemCurrency = spec.SystemCurrency ?? this.localCurrency;
    for (const c of [this.localCurrency, this.systemCurrency, ...(spec.Currencies ?? [])]) this.currencies.add(c);
  }

  addRates(specs: readonly RateSpec[]): void {
    for (const r of specs) {
      const from = normalizeDate(r.From);
      const to = normalizeDate(r.To ?? r.From);
      if (from === undefined || to === undefined) throw new Error(`rate of ${r.Currency}: bad date ${r.From}..${r.To}`);
      for (let t = dayMs(from); t <= dayMs(to); t += DAY) this.setRate(r.Currency, isoDay(t), r.Rate);
    }
  }

  setRate(currency: string, date: string, rate: number): void {
    this.changing();
    this.currencies.add(currency);
    const byDate = this.rates.get(currency) ?? new Map<string, number>();
    byDate.set(date, rate);
    this.rates.set(currency, byDate);
  }

  deleteRate(currency: string, date: string): boolean {
    this.changing();
    return this.rates.get(currency)?.delete(date) ?? false;
  }

  /** Local currency per unit of `currency` on `date`; 1 for the local currency; undefined when none is set. */
  rate(currency: string, date: string): number | undefined {
    if (currency === this.localCurrency) return 1;
    return this.rates.get(currency)?.get(date);
  }

  /** Replaces the posting periods (financial years in order). */
  setPeriods(specs: readonly PeriodCategorySpec[]): void {
    this.changing();
    this.categories = [];
    this.nextPeriodEntry = 1;
    specs.forEach((spec, i) => {
      const begin = normalizeDate(spec.BeginningofFinancialYear);
      if (begin === undefined) throw new Error(`period category ${spec.PeriodCategory}: bad beginning date`);
      this.categories.push({
        AbsoluteEntry: i + 1,
        PeriodCategory: spec.PeriodCategory,
        BeginningofFinancialYear: begin,
        SubPeriodType: spec.SubPeriodType ?? 'spt_Months',
        periods: derivePeriods({ ...spec, BeginningofFinancialYear: begin }, () => this.nextPeriodEntry++),
      });
    });
  }

  /** The finance period a posting date falls in, if any. */
  periodOf(date: string): FinancePeriod | undefined {
    for (const c of this.categories)
      for (const p of c.periods) if (p.PostingDateFrom <= date && date <= p.PostingDateTo) return p;
    return undefined;
  }

  /**
   * Whether a manual journal entry may be dated `date`: it falls in a period that is unlocked (or
   * unlocked except sales). A company without any period defined does not check (the emulator's
   * fixtures for other tests have none).
   */
  postable(date: string): boolean {
    if (this.categories.length === 0) return true;
    const p = this.periodOf(date);
    return p !== undefined && OPEN_FOR_JOURNAL_ENTRIES.includes(p.PeriodStatus);
  }

  /** Sets a period's status by its code (`2025-01`); false when there is no such period. */
  setPeriodStatus(code: string, status: PeriodStatus): boolean {
    this.changing();
    for (const c of this.categories)
      for (const p of c.periods)
        if (p.PeriodCode === code) {
          p.PeriodStatus = status;
          return true;
        }
    return false;
  }

  /** Copy of the facts as they were before the first change of the change set in progress. */
  private changeSet: { restore: (() => void) | undefined } | undefined;

  /** Called by every method that changes a fact: a change set keeps a copy of the facts before it. */
  private changing(): void {
    if (this.changeSet && !this.changeSet.restore) this.changeSet.restore = this.snapshot();
  }

  /** A $batch change set: `rollback` puts back the facts as they were when it began (copied only if one changes). */
  begin(): { rollback(): void; end(): void } {
    const cs: { restore: (() => void) | undefined } = { restore: undefined };
    this.changeSet = cs;
    let open = true;
    const end = (): boolean => {
      if (!open) return false;
      open = false;
      if (this.changeSet === cs) this.changeSet = undefined;
      return true;
    };
    return {
      rollback: () => {
        if (end()) cs.restore?.();
      },
      end: () => void end(),
    };
  }

  /** A copy of the mutable facts, to roll a failed $batch change set back. */
  snapshot(): () => void {
    const rates = new Map([...this.rates].map(([c, m]) => [c, new Map(m)]));
    const categories = structuredClone(this.categories);
    const currencies = [...this.currencies];
    return () => {
      this.rates = rates;
      this.categories = categories;
      this.currencies.clear();
      for (const c of currencies) this.currencies.add(c);
    };
  }
}
