/**
 * What FIS accepts in a posting confirmation, from the documented Confirmation Request
 * (DOC:financial-integration/v4.financial-integration, "Schema"; the vendored spec has no request
 * body for this operation). An item that breaks a rule is answered with code 198 ("invalid request,
 * this same request will not work if tried again") and changes nothing.
 *
 * Documented: `docId` required, at most 32; `overallPostingStatusCode` required, `error` | `success`;
 * `systemMessages` required (an array, empty when there is nothing to say); `postingDocs` optional,
 * each with `companyId` required (at most 32), `documentNumber` (at most 80), `fiscalYear` ("int32";
 * every example sends a string such as "2018": both accepted, four digits), `postingDate`
 * (`YYYY-MM-DD`), `paymentRelevantLineItems` (array); message texts at most 1300.
 * Not documented, so not checked: whether a success needs a posting document, whether
 * `fiscalYear` must match `postingDate`.
 */
import type { Json } from './state.js';

export const CONFIRMATION_LIMITS = { systemId: 50, docId: 32, documentNumber: 80, companyId: 32, message: 1300 };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.toISOString().slice(0, 10) === v;
}

function fiscalYearProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1000 && v <= 9999) return undefined;
  if (typeof v === 'string' && /^\d{4}$/.test(v)) return undefined;
  return `fiscalYear ${JSON.stringify(v)} is not a year`;
}

function postingDocProblem(pd: unknown, i: number): string | undefined {
  const at = `postingDocs[${i}]`;
  if (!isObject(pd)) return `${at} must be an object`;
  if (typeof pd.companyId !== 'string' || pd.companyId.trim() === '') return `${at}.companyId is required`;
  if (pd.companyId.length > CONFIRMATION_LIMITS.companyId) return `${at}.companyId is longer than 32 characters`;
  if (pd.documentNumber !== undefined) {
    if (typeof pd.documentNumber !== 'string') return `${at}.documentNumber must be a string`;
    if (pd.documentNumber.length > CONFIRMATION_LIMITS.documentNumber)
      return `${at}.documentNumber is longer than 80 characters`;
  }
  const year = fiscalYearProblem(pd.fiscalYear);
  if (year) return `${at}.${year}`;
  if (pd.postingDate !== undefined && (typeof pd.postingDate !== 'string' || !isDate(pd.postingDate)))
    return `${at}.postingDate ${JSON.stringify(pd.postingDate)} is not a date in YYYY-MM-DD format`;
  if (pd.paymentRelevantLineItems !== undefined && !Array.isArray(pd.paymentRelevantLineItems))
    return `${at}.paymentRelevantLineItems must be an array`;
  return undefined;
}

function messageProblem(m: unknown, i: number): string | undefined {
  const at = `systemMessages[${i}]`;
  if (!isObject(m)) return `${at} must be an object`;
  for (const k of ['messageShortText', 'messageLongText']) {
    const v = m[k];
    if (v === undefined || v === null) continue;
    const text = Array.isArray(v) ? v.join(' ') : v;
    if (typeof text !== 'string') return `${at}.${k} must be text`;
    if (text.length > CONFIRMATION_LIMITS.message) return `${at}.${k} is longer than 1300 characters`;
  }
  return undefined;
}

/** Why FIS would refuse this confirmation item (code 198), or undefined. */
export function confirmationProblem(c: unknown): string | undefined {
  if (!isObject(c)) return 'a posting confirmation must be an object';
  if (typeof c.docId !== 'string' || c.docId === '') return 'docId is required';
  if (c.docId.length > CONFIRMATION_LIMITS.docId) return 'docId is longer than 32 characters';
  const status = String(c.overallPostingStatusCode ?? '').toLowerCase();
  if (status !== 'success' && status !== 'error') return 'overallPostingStatusCode must be success or error';
  if (!Array.isArray(c.systemMessages)) return 'systemMessages is required (an array, empty if there are none)';
  if (c.postingDocs !== undefined && !Array.isArray(c.postingDocs)) return 'postingDocs must be an array';
  const docs = (c.postingDocs ?? []) as unknown[];
  for (let i = 0; i < docs.length; i++) {
    const p = postingDocProblem(docs[i], i);
    if (p) return p;
  }
  const messages = c.systemMessages as unknown[];
  for (let i = 0; i < messages.length; i++) {
    const p = messageProblem(messages[i], i);
    if (p) return p;
  }
  return undefined;
}

/** Why the whole request is refused (HTTP 400), or undefined. */
export function confirmationRequestProblem(body: Json | undefined): string | undefined {
  if (!body || !Array.isArray(body.postingConfirmations)) return 'postingConfirmations is required';
  if (typeof body.systemId !== 'string') return 'systemId is required (it can be an empty string)';
  if (body.systemId.length > CONFIRMATION_LIMITS.systemId) return 'systemId is longer than 50 characters';
  return undefined;
}
