/**
 * The unbound function imports the emulator serves (META, fact sheet §12), all `POST` with a JSON
 * body of parameters: `SBOBobService_GetLocalCurrency` / `GetSystemCurrency` (Edm.String),
 * `SBOBobService_GetCurrencyRate` `{Currency, Date}` (Edm.Double; the date as `yyyyMMdd` or ISO),
 * `SBOBobService_SetCurrencyRate` `{RateDate, Currency, Rate}` (204), `CompanyService_GetPeriods`
 * (the period categories' keys) and `CompanyService_GetFinancePeriods` `{PeriodCategoryParams:
 * {AbsoluteEntry}}` (their finance periods). Results come as OData function results
 * `{<context>: "..$metadata#Edm.Double", value: ..}`; that shape is the emulator's choice.
 */
import type { FinancePeriod } from './company.js';
import type { EmulatorCore, EmulatorRequest, Reply } from './core.js';
import { normalizeDate } from './edm/codec.js';
import { handleEntityRequest } from './entity-handlers.js';
import { faults } from './errors.js';

type FunctionHandler = (core: EmulatorCore, req: EmulatorRequest) => Reply;

function result(req: EmulatorRequest, type: string, value: unknown): Reply {
  const d = req.dialect;
  return { status: 200, json: { [d.context]: `${req.base}/b1s/${d.version}/$metadata#${type}`, value } };
}

function param(req: EmulatorRequest, name: string): unknown {
  const v = req.body[name];
  if (v === undefined || v === null || v === '') throw faults.badRequest(`Parameter '${name}' is missing`);
  return v;
}

function dateParam(req: EmulatorRequest, name: string): string {
  const v = param(req, name);
  const date = typeof v === 'string' ? normalizeDate(v) : undefined;
  if (date === undefined) throw faults.badRequest(`Parameter '${name}' is not a date: ${JSON.stringify(v)}`);
  return date;
}

function currencyParam(core: EmulatorCore, req: EmulatorRequest, name: string): string {
  const v = param(req, name);
  if (typeof v !== 'string') throw faults.badRequest(`Parameter '${name}' is invalid`);
  if (!core.store.company.currencies.has(v)) throw faults.businessRule(`Invalid currency code '${v}'`);
  return v;
}

function period(req: EmulatorRequest, p: FinancePeriod): Record<string, unknown> {
  const date = (d: string): string => (req.dialect.version === 'v2' ? `${d}T00:00:00Z` : d);
  return {
    AbsoluteEntry: p.AbsoluteEntry,
    PeriodCode: p.PeriodCode,
    PeriodName: p.PeriodName,
    PostingDateFrom: date(p.PostingDateFrom),
    PostingDateTo: date(p.PostingDateTo),
    ValueDateFrom: date(p.ValueDateFrom),
    ValueDateTo: date(p.ValueDateTo),
    TaxDateFrom: date(p.TaxDateFrom),
    TaxDateTo: date(p.TaxDateTo),
    ActiveforFeed: 'tYES',
    Locked: 'tNO',
    AdditionalSubPeriods: 'tNO',
    PeriodIndicator: 'Default',
    SubNum: null,
    PeriodStatus: p.PeriodStatus,
  };
}

const FUNCTIONS: Record<string, FunctionHandler> = {
  SBOBobService_GetLocalCurrency: (core, req) => result(req, 'Edm.String', core.store.company.localCurrency),
  SBOBobService_GetSystemCurrency: (core, req) => result(req, 'Edm.String', core.store.company.systemCurrency),
  SBOBobService_GetCurrencyRate: (core, req) => {
    const currency = currencyParam(core, req, 'Currency');
    const date = dateParam(req, 'Date');
    const rate = core.store.company.rate(currency, date);
    if (rate === undefined)
      throw faults.businessRule(`No exchange rate for '${currency}' on ${date}; update the exchange rate`);
    return result(req, 'Edm.Double', rate);
  },
  SBOBobService_SetCurrencyRate: (core, req) => {
    const currency = currencyParam(core, req, 'Currency');
    const date = dateParam(req, 'RateDate');
    const raw = param(req, 'Rate'); // Edm.String in the metadata; numbers are accepted too
    const rate = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
    if (!Number.isFinite(rate) || rate <= 0) throw faults.businessRule(`Invalid rate ${JSON.stringify(raw)}`);
    if (currency === core.store.company.localCurrency)
      throw faults.businessRule(`'${currency}' is the local currency; it has no exchange rate`);
    core.store.company.setRate(currency, date, rate);
    return { status: 204 };
  },
  CompanyService_GetPeriods: (core, req) =>
    result(
      req,
      'Collection(SAPB1.PeriodCategoryParams)',
      core.store.company.categories.map((c) => ({ AbsoluteEntry: c.AbsoluteEntry })),
    ),
  CompanyService_GetFinancePeriods: (core, req) => {
    const params = req.body.PeriodCategoryParams as { AbsoluteEntry?: unknown } | undefined;
    const entry = params?.AbsoluteEntry;
    if (typeof entry !== 'number') throw faults.badRequest("Parameter 'PeriodCategoryParams' is missing");
    const category = core.store.company.categories.find((c) => c.AbsoluteEntry === entry);
    if (!category) throw faults.notFound();
    return result(
      req,
      'Collection(SAPB1.FinancePeriod)',
      category.periods.map((p) => period(req, p)),
    );
  },
};

/** A function import (POST; GetPeriods also answers GET) or else an entity set request. */
export function handleServiceRequest(core: EmulatorCore, req: EmulatorRequest): Reply {
  const fn = FUNCTIONS[req.path];
  if (!fn) return handleEntityRequest(core, req);
  if (req.method !== 'POST' && !(req.method === 'GET' && req.path === 'CompanyService_GetPeriods'))
    throw faults.notSupported();
  return fn(core, req);
}
