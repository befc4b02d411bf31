/**
 * `journal-entries`: read (incrementally by JdtNum or ReferenceDate) and create. Posted entries are
 * immutable: an entry that exists for a dedupe key is `locked`, or reversed (`/Cancel`) and posted
 * anew with `corrections: reverse-and-repost`. Before planning, entries are completed with what
 * only SAP knows (journal-prepare.ts: posting periods, currencies and rates). Lines must balance to
 * the cent and fields must fit their DI lengths (Memo 50) before anything is sent.
 */
import type { DataRecord, ResourceDefinition } from '../../../engine/connector/types.js';
import { lengthProblems, linesOf } from './field-limits.js';
import { JOURNAL_TARGET_OPTIONS } from './journal-options.js';
import { COMMON_READ_OPTIONS, objectSchema, referenceFieldOption } from './options.js';
import { TARGET_BULK_SIZE } from './types.js';

export const JOURNAL_REFERENCE_FIELDS = ['Reference', 'Reference2', 'Reference3'] as const;

const HEADER_LIMITS = {
  Memo: 50,
  Reference: 100,
  Reference2: 100,
  Reference3: 100,
  TransactionCode: 4,
  ProjectCode: 20,
  Indicator: 2,
};
const LINE_LIMITS = {
  AccountCode: 15,
  ShortName: 15,
  LineMemo: 50,
  AdditionalReference: 27,
  Reference1: 100,
  Reference2: 100,
  ProjectCode: 20,
  CostingCode: 8,
  CostingCode2: 8,
  CostingCode3: 8,
  CostingCode4: 8,
  CostingCode5: 8,
  FCCurrency: 3,
};
const AMOUNTS = ['Debit', 'Credit', 'FCDebit', 'FCCredit'] as const;

const cents = (n: number): number => Math.round(n * 100);
const money = (c: number): string => (c / 100).toFixed(2);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function lineProblems(line: DataRecord, n: number): string[] {
  const at = `line ${n}: `;
  const problems = lengthProblems(line, LINE_LIMITS, at);
  const hasText = (f: string): boolean => typeof line[f] === 'string' && (line[f] as string).trim() !== '';
  if (!hasText('AccountCode') && !hasText('ShortName')) problems.push(`${at}AccountCode or ShortName is required`);
  for (const f of AMOUNTS) {
    const v = line[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v))
      problems.push(`${at}${f} must be a number (got ${JSON.stringify(v)})`);
    else if (v < 0) problems.push(`${at}${f} must not be negative`);
  }
  const local = [num(line.Debit), num(line.Credit)];
  const foreign = [num(line.FCDebit), num(line.FCCredit)];
  const [d, c] = local.some((x) => x !== 0) ? local : foreign;
  if (d !== 0 && c !== 0) problems.push(`${at}has both a debit and a credit amount`);
  if (d === 0 && c === 0) problems.push(`${at}has no amount`);
  return problems;
}

function balanceProblem(lines: DataRecord[]): string | undefined {
  // Lines given only in foreign currency are converted by SAP; they balance in their currency.
  const foreignOnly = lines.some(
    (l) => num(l.Debit) === 0 && num(l.Credit) === 0 && (num(l.FCDebit) !== 0 || num(l.FCCredit) !== 0),
  );
  const currencies = new Set(lines.map((l) => l.FCCurrency));
  if (foreignOnly && currencies.size > 1) return undefined; // mixed currencies: SAP converts and checks
  const [dk, ck] = foreignOnly ? ['FCDebit', 'FCCredit'] : ['Debit', 'Credit'];
  const debit = lines.reduce((s, l) => s + cents(num(l[dk])), 0);
  const credit = lines.reduce((s, l) => s + cents(num(l[ck])), 0);
  if (debit === credit) return undefined;
  return `lines do not balance: debit ${money(debit)}, credit ${money(credit)} (difference ${money(Math.abs(debit - credit))})`;
}

/** Problems that keep a journal entry from being sent (balance to the cent, lengths, amounts). */
export function journalEntryProblems(record: DataRecord): string[] {
  const problems = lengthProblems(record, HEADER_LIMITS);
  const lines = linesOf(record, 'JournalEntryLines');
  if (lines.length < 2) return [...problems, 'JournalEntryLines needs at least two lines'];
  lines.forEach((line, i) => problems.push(...lineProblems(line, i + 1)));
  const balance = balanceProblem(lines);
  if (balance) problems.push(balance);
  return problems;
}

export const journalEntriesDefinition: ResourceDefinition = {
  description:
    'Journal entries (JournalEntries, OJDT/JDT1). Source: posted entries with their lines, incrementally by JdtNum or ReferenceDate. Target: create only; the dedupe key goes into a reference field; existing entries are locked (posted entries are never changed) or, with corrections: reverse-and-repost, cancelled (JournalEntries(N)/Cancel; where SAP refuses that because the period of the entry is closed since, a reversal entry is posted in the open period of today) and posted anew. Before planning, entries are placed in an open posting period and foreign-currency lines converted at the SAP B1 rate of the posting date, as the account or partner allows. Cancelled entries and their reversals are not matched by the key.',
  roles: ['source', 'lookup', 'target'],
  key: 'JdtNum',
  optionsSchema: objectSchema('Options of the journal-entries resource.', {
    ...COMMON_READ_OPTIONS,
    referenceField: referenceFieldOption(JOURNAL_REFERENCE_FIELDS, 'Reference'),
    ...JOURNAL_TARGET_OPTIONS,
  }),
  capabilities: {
    bulkSize: TARGET_BULK_SIZE,
    modes: ['create'],
    deleteActions: [],
    immutable: true,
    reversible: true,
    incremental: true,
  },
  check: journalEntryProblems,
};
