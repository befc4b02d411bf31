/**
 * What a success confirmation says about the ERP document (`postingDocs[]`): its number, posting
 * date and fiscal year, taken from the record the target holds (`ConfirmOutcome.targetRecord`: the
 * record as written for a create, the record as found for a document posted earlier) — never from
 * the day the confirmation is sent.
 *
 * FIS documents `postingDate` as `YYYY-MM-DD` and `fiscalYear` as "external system fiscal year"
 * (int32 in the schema table, a string such as "2018" in every example: sent as the string). Neither
 * the FIS docs nor the SAP B1 reference say how a fiscal year is derived from a date: B1 keeps it
 * per period category (`FinancialYear`, `BeginningofFinancialYear`), which this connector cannot
 * read, so the year comes from the date and the pipeline's `fiscalYearStartMonth` /
 * `fiscalYearNumbering` (default: the calendar year).
 */
import type { ConfirmOutcome, DataRecord } from '../../../engine/connector/types.js';
import type { FiscalYearNumbering } from './fis-documents.def.js';

type Json = Record<string, unknown>;

export interface PostingDocSettings {
  /** `postingDocs[].companyId`: the ERP organisational unit (SAP B1: the company database). */
  companyId: string;
  /** The target record's field holding the posting date (SAP B1 journal entries: ReferenceDate). */
  dateField: string;
  /** First month of the fiscal year, 1-12. */
  fiscalYearStartMonth: number;
  /** A fiscal year that does not start in January is numbered by the year it starts or ends in. */
  fiscalYearNumbering: FiscalYearNumbering;
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** `YYYY-MM-DD` from an ISO date or date-time (`2025-02-06`, `2025-02-06T00:00:00Z`) or SAP's `20250206`. */
export function postingDateOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(value) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** The fiscal year of a `YYYY-MM-DD` date. */
export function fiscalYearOf(date: string, startMonth = 1, numbering: FiscalYearNumbering = 'start-year'): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  if (startMonth <= 1) return year;
  const startYear = month >= startMonth ? year : year - 1;
  return numbering === 'start-year' ? startYear : startYear + 1;
}

export interface PostingDocResult {
  doc: Json;
  /** Set when the held record has no usable date and the confirmation's own day was used. */
  dateMissing?: { field: string; value: unknown };
}

/** One `postingDocs[]` entry for a success outcome; `today` (`YYYY-MM-DD`) only when the record has no date. */
export function postingDoc(o: ConfirmOutcome, s: PostingDocSettings, today: string): PostingDocResult {
  const held: DataRecord = o.targetRecord ?? {};
  const raw = held[s.dateField];
  const date = postingDateOf(raw);
  const postingDate = date ?? today;
  const doc: Json = {
    companyId: s.companyId.slice(0, 32),
    ...(o.targetId !== undefined && o.targetId !== '' && { documentNumber: String(o.targetId).slice(0, 80) }),
    fiscalYear: String(fiscalYearOf(postingDate, s.fiscalYearStartMonth, s.fiscalYearNumbering)),
    postingDate,
    paymentRelevantLineItems: [],
  };
  return date ? { doc } : { doc, dateMissing: { field: s.dateField, value: raw } };
}
