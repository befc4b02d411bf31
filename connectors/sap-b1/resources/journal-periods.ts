/**
 * Close-aware planning of journal entries: a posting dated in a period SAP B1 does not take manual
 * journal entries in (locked, closing, or outside every period: fact sheet §12, -5002) is parked
 * with the reason, or, with `periods: next-open-period`, moved to the first day of the next open
 * period with its original date kept in the Memo. An entry already posted for the key keeps its
 * posting date, so closing a period never parks or re-posts what is in it.
 */
import type { DataRecord, TargetRecord } from '../../../engine/connector/types.js';
import { SAP_B1_ERRORS } from '../errors.js';
import { openForJournalEntries, type PostingPeriod } from './finance-facts.js';
import type { PeriodPolicy } from './journal-options.js';
import { MEMO_MAX, type Step } from './journal-steps.js';

const PERIOD_CLOSED = SAP_B1_ERRORS.periodClosed;

const STATUS_WORDS: Record<string, string> = {
  ltLocked: 'locked',
  ltPeriodClosing: 'in period closing',
};

/** The posting date a record will carry: its ReferenceDate (`YYYY-MM-DD…`), or today when it has none. */
export function postingDate(record: DataRecord, today: string): string | undefined {
  const v = record.ReferenceDate;
  if (v === undefined || v === null || v === '') return today;
  return typeof v === 'string' ? /^\d{4}-\d{2}-\d{2}/.exec(v)?.[0] : undefined;
}

/** The Memo with the original posting date appended, within Memo's 50 characters. */
export function memoWithDate(memo: unknown, date: string): { memo: string; shortened: boolean } {
  const suffix = `(dated ${date})`;
  const text = typeof memo === 'string' ? memo.trimEnd() : '';
  if (text === '') return { memo: suffix, shortened: false };
  const room = MEMO_MAX - suffix.length - 1;
  let head = text;
  if (text.length > room) {
    head = text.slice(0, room);
    const space = head.lastIndexOf(' ');
    if (text[room] !== ' ' && space >= room / 2) head = head.slice(0, space); // end on a whole word
    head = head.trimEnd();
  }
  return { memo: `${head} ${suffix}`, shortened: head.length < text.length };
}

function moved(record: DataRecord, to: string, from: string): { record: DataRecord; shortened: boolean } {
  const { memo, shortened } = memoWithDate(record.Memo, from);
  return { record: { ...record, ReferenceDate: to, Memo: memo }, shortened };
}

export interface PeriodDeps {
  periods: readonly PostingPeriod[];
  policy: PeriodPolicy;
  today: string;
  /** The key of a record (its reference field), when it has one. */
  keyOf(record: DataRecord): string | undefined;
  /** Posted (live) entries for these keys. */
  posted(keys: string[]): Promise<Map<string, TargetRecord>>;
}

function describe(p: PostingPeriod): string {
  return `posting period ${p.code}, which is ${STATUS_WORDS[p.status] ?? p.status} in SAP B1`;
}

/** Places each record's posting date in an open period (or parks it); one lookup for the page's closed ones. */
export async function placeInPeriods(steps: Step[], deps: PeriodDeps): Promise<Step[]> {
  if (deps.periods.length === 0) return steps; // a company without periods: nothing to check
  const periodOf = (date: string): PostingPeriod | undefined =>
    deps.periods.find((p) => p.from <= date && date <= p.to);
  const closed = steps.map((s) => {
    if (!s.ok) return undefined;
    const date = postingDate(s.record, deps.today);
    if (date === undefined) return undefined; // not a date: SAP refuses it, with its own message
    const period = periodOf(date);
    return period && openForJournalEntries(period.status) ? undefined : { date, period };
  });
  const keys = steps
    .map((s, i) => (s.ok && closed[i] ? deps.keyOf(s.record) : undefined))
    .filter((k): k is string => k !== undefined);
  const posted = keys.length > 0 ? await deps.posted(keys) : new Map<string, TargetRecord>();
  return steps.map((s, i) => {
    const c = closed[i];
    if (!s.ok || !c) return s;
    const { date, period } = c;
    const key = deps.keyOf(s.record);
    const existing = key === undefined ? undefined : posted.get(key);
    const postedOn = existing ? postingDate(existing.record, deps.today) : undefined;
    if (existing && postedOn !== undefined) {
      // Already posted: its posting date stands (a changed record is corrected on that date).
      if (postedOn === date) return s;
      const m = moved(s.record, postedOn, date);
      return {
        ok: true,
        record: m.record,
        notes: [
          ...s.notes,
          `dated ${date} in a closed period; keeps the posting date ${postedOn} of journal entry ${existing.id}`,
        ],
      };
    }
    const where = period ? `in ${describe(period)}` : 'outside every posting period defined in SAP B1';
    if (deps.policy === 'park') {
      return {
        ok: false,
        code: PERIOD_CLOSED,
        message: `posting date ${date} is ${where}; ${period ? 'reopen the period' : 'define its posting period'} in SAP B1, or set target.options.periods: next-open-period to post on the first day of the next open period`,
      };
    }
    const next = deps.periods.find((p) => p.from > date && openForJournalEntries(p.status));
    if (!next) {
      return {
        ok: false,
        code: PERIOD_CLOSED,
        message: `posting date ${date} is ${where}, and no later posting period is open in SAP B1`,
      };
    }
    const m = moved(s.record, next.from, date);
    return {
      ok: true,
      record: m.record,
      notes: [
        ...s.notes,
        `posting date ${date} is ${where}: posted on ${next.from}, the first day of the next open period ${next.code}; Memo keeps the date: "${String(m.record.Memo)}"${m.shortened ? ' (shortened to 50 characters)' : ''}`,
      ],
    };
  });
}
