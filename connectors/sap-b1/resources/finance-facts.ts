/**
 * What only SAP Business One knows about a posting (fact sheet §12), read once per run and cached
 * for the target's lifetime (one run): the local currency (`SBOBobService_GetLocalCurrency`), the
 * currency of accounts (`ChartOfAccounts.AcctCurrency`) and business partners
 * (`BusinessPartners.Currency`, `##` = all currencies) that foreign-currency lines post to, read
 * for the codes used and never twice; exchange rates per currency and day
 * (`SBOBobService_GetCurrencyRate`, once per currency and date); the posting periods
 * (`CompanyService_GetPeriods`, then `CompanyService_GetFinancePeriods` per period category).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { ConnectorError, type SluiceError } from '../../../engine/errors.js';
import type { ServiceLayerClient } from '../client.js';
import { SAP_B1_ERRORS } from '../errors.js';
import { normalizeRecord } from '../records.js';
import { findByField } from './key-lookup.js';

/** What a journal line posts to: a G/L account or a business partner. */
export type HolderKind = 'account' | 'partner';
export interface Holder {
  currency: string | null;
}
const HOLDER_SETS: Record<HolderKind, [string, string, string]> = {
  account: ['ChartOfAccounts', 'Code', 'AcctCurrency'],
  partner: ['BusinessPartners', 'CardCode', 'Currency'],
};

/** A finance period as the connector needs it (dates `YYYY-MM-DD`). */
export interface PostingPeriod {
  code: string;
  from: string;
  to: string;
  /** `PeriodStatusEnum` member name (stored values N/S/C/Y are read as their names). */
  status: string;
}

const STATUS_BY_VALUE: Record<string, string> = {
  N: 'ltUnlocked',
  S: 'ltUnlockedExceptSales',
  C: 'ltPeriodClosing',
  Y: 'ltLocked',
};

/** Manual journal entries post in these (`ltUnlockedExceptSales` locks sales documents only). */
export function openForJournalEntries(status: string): boolean {
  return status === 'ltUnlocked' || status === 'ltUnlockedExceptSales';
}

/** `yyyyMMdd`, the form of SAP's own samples for SBOBobService dates. */
export const compactDate = (date: string): string => date.replace(/-/g, '');

/** A function import's result: `{value: x}` (with its context annotation) or a bare value. */
function resultValue(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'value' in body)
    return (body as { value: unknown }).value;
  return body;
}

function unexpected(op: string, what: string): ConnectorError {
  return new ConnectorError(SAP_B1_ERRORS.unexpected, `${op}: ${what}`, { retryable: false });
}

export class FinanceFacts {
  private local: Promise<string> | undefined;
  private periods: Promise<PostingPeriod[]> | undefined;
  private readonly rates = new Map<string, Promise<number | undefined>>();
  private readonly holders: Record<HolderKind, Map<string, Holder | null>> = {
    account: new Map(),
    partner: new Map(),
  };

  constructor(private readonly client: ServiceLayerClient) {}

  private async call(name: string, json: unknown = {}): Promise<unknown> {
    const res = await this.client.request({ method: 'POST', path: name, json, op: `POST ${name}`, retry: true });
    return resultValue(res.body);
  }

  localCurrency(): Promise<string> {
    this.local ??= this.call('SBOBobService_GetLocalCurrency').then((v) => {
      if (typeof v !== 'string' || v === '') throw unexpected('SBOBobService_GetLocalCurrency', 'no currency code');
      return v;
    });
    this.local.catch(() => (this.local = undefined)); // a failed read is tried again next time
    return this.local;
  }

  /**
   * Local currency per unit of `currency` on `date`, or undefined when SAP has none (the Service
   * Layer refuses the query with a 4xx, or answers 0). Transient failures are thrown.
   */
  rate(currency: string, date: string): Promise<number | undefined> {
    const key = `${currency} ${date}`;
    let p = this.rates.get(key);
    if (!p) {
      p = this.call('SBOBobService_GetCurrencyRate', { Currency: currency, Date: compactDate(date) }).then(
        (v) => {
          const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
          return Number.isFinite(n) && n > 0 ? n : undefined;
        },
        (err: SluiceError) => {
          if (typeof err.status === 'number' && err.status >= 400 && err.status < 500 && err.status !== 401)
            return undefined; // "no rate" (or an unknown currency): the record is parked, never guessed
          throw err;
        },
      );
      this.rates.set(key, p);
      p.catch(() => this.rates.delete(key));
    }
    return p;
  }

  /**
   * Reads the currency of these accounts or partners (those not read yet in this run), one query
   * per chunk of codes.
   */
  async loadHolders(kind: HolderKind, codes: readonly string[]): Promise<void> {
    const cache = this.holders[kind];
    const missing = [...new Set(codes)].filter((c) => !cache.has(c));
    if (missing.length === 0) return;
    const [entitySet, keyField, field] = HOLDER_SETS[kind];
    const rows = await findByField(this.client, {
      entitySet,
      field: keyField,
      keys: missing,
      select: [keyField, field],
    });
    for (const c of missing) cache.set(c, null);
    for (const row of rows) {
      const v = row[field];
      cache.set(String(row[keyField]), { currency: typeof v === 'string' && v !== '' ? v : null });
    }
  }

  /** A loaded account or partner (its currency: a code, `##`, or null when unset); null when SAP has none; undefined when not loaded. */
  holder(kind: HolderKind, code: string): Holder | null | undefined {
    return this.holders[kind].get(code);
  }

  /** Every finance period of every period category, in date order; [] when the company defines none. */
  postingPeriods(): Promise<PostingPeriod[]> {
    this.periods ??= this.readPeriods();
    this.periods.catch(() => (this.periods = undefined));
    return this.periods;
  }

  private async readPeriods(): Promise<PostingPeriod[]> {
    const categories = await this.call('CompanyService_GetPeriods');
    if (!Array.isArray(categories)) throw unexpected('CompanyService_GetPeriods', 'the answer is not a collection');
    const out: PostingPeriod[] = [];
    for (const c of categories as DataRecord[]) {
      const entry = c.AbsoluteEntry;
      if (typeof entry !== 'number') continue;
      const periods = await this.call('CompanyService_GetFinancePeriods', {
        PeriodCategoryParams: { AbsoluteEntry: entry },
      });
      if (!Array.isArray(periods))
        throw unexpected('CompanyService_GetFinancePeriods', 'the answer is not a collection');
      for (const raw of periods as DataRecord[]) {
        const p = normalizeRecord(raw);
        const status = String(p.PeriodStatus ?? '');
        if (typeof p.PostingDateFrom !== 'string' || typeof p.PostingDateTo !== 'string') continue;
        out.push({
          code: String(p.PeriodCode ?? p.PeriodName ?? entry),
          from: p.PostingDateFrom.slice(0, 10),
          to: p.PostingDateTo.slice(0, 10),
          status: STATUS_BY_VALUE[status] ?? status,
        });
      }
    }
    return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  }
}
