/**
 * `journal-entries`: read (incrementally by JdtNum or ReferenceDate) and create. Posted entries are
 * immutable: an entry that exists for a dedupe key is `locked`, or reversed (`/Cancel`) and posted
 * anew with `corrections: reverse-and-repost`. Before planning, entries are completed with what
 * only SAP knows (journal-prepare.ts: posting periods, currencies and rates). Lines must balance to
 * the cent and fields must fit their DI lengths (Memo 50) before anything is sent.
 */
import type { DataRecord, JsonSchema } from '../../../engine/connector/types.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { lengthProblems, linesOf } from './field-limits.js';
import { FinanceFacts } from './finance-facts.js';
import { openGuardedCreateTarget } from './guarded-create.js';
import { RATE_FALLBACKS, type RateFallback } from './journal-currency.js';
import { PERIOD_POLICIES, type PeriodPolicy } from './journal-periods.js';
import { journalPreparer } from './journal-prepare.js';
import { journalReverser, liveEntries } from './journal-reverse.js';
import { COMMON_READ_OPTIONS, objectSchema, referenceFieldOption } from './options.js';
import { TARGET_BULK_SIZE, type SapB1Resource } from './types.js';

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

const TARGET_OPTIONS: Record<string, JsonSchema> = {
  periods: {
    title: 'Postings dated in a closed period',
    description:
      'Target only. What happens to an entry whose posting date (ReferenceDate; today when it has none) falls in a posting period that takes no manual journal entries in SAP B1 (locked, in period closing, or outside every defined period; SAP would refuse it with -5002): park sends it to attention with the reason (reason class data); next-open-period posts it on the first day of the next open period and keeps the original date in the Memo, e.g. "Trip to Lyon (dated 2025-01-31)", shortening the Memo to fit its 50 characters. Either way the plan says so, and an entry already posted keeps its posting date.',
    type: 'string',
    enum: [...PERIOD_POLICIES],
    default: 'park',
    examples: ['next-open-period'],
  },
  rates: {
    title: 'Exchange rates',
    description:
      "Target only. Lines in a foreign currency (FCCurrency) are converted at SAP B1's own rate for the posting date (SBOBobService_GetCurrencyRate), read once per currency and date. What happens when SAP has no rate for that day.",
    type: 'object',
    additionalProperties: false,
    properties: {
      fallback: {
        title: 'When SAP B1 has no rate for the posting date',
        description:
          'none parks the entry ("no EUR rate for 2025-02-06 in SAP B1; add it or set rates.fallback"), never guessing a rate; last-earlier takes the last rate SAP B1 has within fallbackDays before the posting date (for companies that keep no rates on weekends and holidays) and posts those lines in local currency only, since SAP refuses a foreign-currency line on a day without a rate. The plan names the rate and its date.',
        type: 'string',
        enum: [...RATE_FALLBACKS],
        default: 'none',
        examples: ['last-earlier'],
      },
      fallbackDays: {
        title: 'How far back last-earlier looks',
        description:
          'Days before the posting date searched for a rate by fallback: last-earlier (one call per day tried, cached).',
        type: 'integer',
        minimum: 1,
        maximum: 31,
        default: 7,
        examples: [4],
      },
    },
  },
};

const SOURCE: EntitySourceSpec = {
  entitySet: 'JournalEntries',
  key: 'JdtNum',
  cursorFields: { JdtNum: 'int', ReferenceDate: 'date' },
};

export const journalEntries: SapB1Resource = {
  definition: {
    description:
      'Journal entries (JournalEntries, OJDT/JDT1). Source: posted entries with their lines, incrementally by JdtNum or ReferenceDate. Target: create only; the dedupe key goes into a reference field; existing entries are locked (posted entries are never changed) or, with corrections: reverse-and-repost, cancelled (JournalEntries(N)/Cancel; where SAP refuses that because the period of the entry is closed since, a reversal entry is posted in the open period of today) and posted anew. Before planning, entries are placed in an open posting period and foreign-currency lines converted at the SAP B1 rate of the posting date, as the account or partner allows. Cancelled entries and their reversals are not matched by the key.',
    roles: ['source', 'lookup', 'target'],
    key: 'JdtNum',
    optionsSchema: objectSchema('Options of the journal-entries resource.', {
      ...COMMON_READ_OPTIONS,
      referenceField: referenceFieldOption(JOURNAL_REFERENCE_FIELDS, 'Reference'),
      ...TARGET_OPTIONS,
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
  },
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options) => {
    const referenceField = typeof options.referenceField === 'string' ? options.referenceField : 'Reference';
    const target = openGuardedCreateTarget(ctx, {
      entitySet: 'JournalEntries',
      idField: 'JdtNum',
      referenceField,
      lockedReason: (e) =>
        `journal entry ${String(e.JdtNum)} (number ${String(e.Number)}) is posted; SAP Business One never changes a posted journal entry: reverse it instead (corrections: reverse-and-repost does that)`,
      check: journalEntryProblems,
      live: (entries) => liveEntries(entries),
    });
    const rates = (options.rates ?? {}) as { fallback?: RateFallback; fallbackDays?: number };
    const facts = new FinanceFacts(ctx.client);
    const today = (): string => new Date(ctx.clock.now()).toISOString().slice(0, 10);
    return {
      ...target,
      prepareRecords: journalPreparer(
        { facts, clock: ctx.clock, lookup: (keys) => target.lookup(keys) },
        {
          periods: (options.periods as PeriodPolicy | undefined) ?? 'park',
          rates: { fallback: rates.fallback ?? 'none', fallbackDays: rates.fallbackDays ?? 7 },
          referenceField,
        },
      ),
      reverse: journalReverser(ctx, { referenceField, facts, today }),
    };
  },
};
