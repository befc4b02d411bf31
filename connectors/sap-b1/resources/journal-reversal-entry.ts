/**
 * A reversal posted as a journal entry of its own, for an entry SAP B1 will not cancel because its
 * posting period is locked (or closing) since it was posted: `Cancel` dates the reversal like the
 * original, which SAP refuses (-5002). The reversal entry carries the original's lines with debit
 * and credit swapped (local and foreign amounts as posted, so it undoes exactly what was booked), the
 * same dedupe key, and is dated today, or the first day of the next open period when today's is
 * closed; its Memo names the original ("Reversal of 42 (dated 2025-04-15)"). Because it mirrors the
 * original and carries its key, journal-reverse.ts pairs the two like a Cancel and its storno.
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { openForJournalEntries, type PostingPeriod } from './finance-facts.js';
import { MEMO_MAX, text } from './journal-steps.js';

const LINE_FIELDS = [
  'AccountCode',
  'ShortName',
  'LineMemo',
  'ProjectCode',
  'CostingCode',
  'CostingCode2',
  'CostingCode3',
  'CostingCode4',
  'CostingCode5',
  'Reference1',
  'Reference2',
  'FCCurrency',
] as const;
const SWAP = [
  ['Debit', 'Credit'],
  ['FCDebit', 'FCCredit'],
] as const;

/** The posting date of a reversal made today: today when its period is open, else the next open period's first day. */
export function reversalDate(periods: readonly PostingPeriod[], today: string): string | undefined {
  if (periods.length === 0) return today;
  const current = periods.find((p) => p.from <= today && today <= p.to);
  if (current && openForJournalEntries(current.status)) return today;
  return periods.find((p) => p.from > today && openForJournalEntries(p.status))?.from;
}

/** The journal entry that reverses `original` (as SAP holds it), posted on `date` under `key`. */
export function reversalEntry(original: DataRecord, referenceField: string, key: string, date: string): DataRecord {
  const lines = Array.isArray(original.JournalEntryLines) ? (original.JournalEntryLines as DataRecord[]) : [];
  const from = typeof original.ReferenceDate === 'string' ? original.ReferenceDate.slice(0, 10) : '';
  const memo = `Reversal of ${String(original.JdtNum)}${from ? ` (dated ${from})` : ''}`.slice(0, MEMO_MAX);
  return {
    [referenceField]: key,
    ReferenceDate: date,
    Memo: memo,
    JournalEntryLines: lines.map((line) => {
      const out: DataRecord = {};
      for (const f of LINE_FIELDS) if (text(line[f]) !== undefined) out[f] = line[f];
      for (const [a, b] of SWAP) {
        if (typeof line[b] === 'number' && line[b] !== 0) out[a] = line[b];
        if (typeof line[a] === 'number' && line[a] !== 0) out[b] = line[a];
      }
      if (out.FCDebit === undefined && out.FCCredit === undefined) delete out.FCCurrency;
      return out;
    }),
  };
}
