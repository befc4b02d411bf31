/**
 * JournalEntries (OJDT/JDT1, fact sheet §5): POST validates lines and balance to the cent and assigns
 * JdtNum/Number; the posting date must fall in an unlocked period (else 400 -5002, fact sheet §12);
 * PATCH may only change header text and dates; DELETE is not supported (400 -5006); the bound
 * action Cancel creates a sign-swapped reversal dated like the original, once.
 */
import type { Entity } from '../edm/codec.js';
import { faults } from '../errors.js';
import { cents, checkLengths, mergePatch } from './common.js';
import { checkProject, completeLine, postBalances } from './journal-lines.js';
import type { RuleContext, SetRules } from './types.js';

const HEADER_LIMITS = {
  Memo: 50,
  Reference: 100,
  Reference2: 100,
  Reference3: 100,
  TransactionCode: 4,
  ProjectCode: 20,
  Indicator: 2,
};
const PATCHABLE = new Set([
  'Memo',
  'Reference',
  'Reference2',
  'Reference3',
  'DueDate',
  'TaxDate',
  'VatDate',
  'TransactionCode',
  'UseAutoStorno',
  'StornoDate',
  'Indicator',
]);

function nextNumbers(ctx: RuleContext): { JdtNum: number; Number: number } {
  const jdt = ctx.store.next('JournalEntries.JdtNum', () => ctx.store.maxOf('JournalEntries', 'JdtNum'));
  const num = ctx.store.next('JournalEntries.Number', () => ctx.store.maxOf('JournalEntries', 'Number'));
  return { JdtNum: jdt, Number: num };
}

function checkPeriod(ctx: RuleContext, date: string): void {
  if (!ctx.company.postable(date)) throw faults.postingPeriod('[JournalEntry.ReferenceDate]');
}

function post(ctx: RuleContext, header: Entity, lines: Entity[]): Entity {
  const numbers = nextNumbers(ctx);
  const entry: Entity = {
    ...header,
    ...numbers,
    OriginalJournal: 'ttJournalEntry',
    Original: numbers.JdtNum,
    BaseReference: String(numbers.Number),
    Printed: 'psNo',
    JournalEntryLines: lines,
  };
  postBalances(ctx, lines, 1);
  return entry;
}

export const journalEntryRules: SetRules = {
  create(ctx, input) {
    checkLengths(input, HEADER_LIMITS, 'JournalEntry');
    const referenceDate = (input.ReferenceDate as string | undefined) ?? ctx.clock.today();
    const header: Entity = {
      ...input,
      ReferenceDate: referenceDate,
      DueDate: input.DueDate ?? referenceDate,
      TaxDate: input.TaxDate ?? referenceDate,
    };
    checkProject(ctx, header.ProjectCode, '[JournalEntry.ProjectCode]');
    checkPeriod(ctx, referenceDate);
    const raw = (input.JournalEntryLines ?? []) as Entity[];
    if (raw.length < 2)
      throw faults.businessRule('A journal entry needs at least two lines [JournalEntry.JournalEntryLines]');
    const lines = raw.map((line, i) => completeLine(ctx, line, i, header));
    const debit = lines.reduce((s, l) => s + cents(l.Debit as number), 0);
    const credit = lines.reduce((s, l) => s + cents(l.Credit as number), 0);
    if (debit !== credit) {
      throw faults.businessRule(
        `Unbalanced transaction: debit ${(debit / 100).toFixed(2)}, credit ${(credit / 100).toFixed(2)} [JournalEntry.JournalEntryLines]`,
      );
    }
    return post(ctx, header, lines);
  },

  update(ctx, existing, patch) {
    for (const [field, value] of Object.entries(patch)) {
      if (PATCHABLE.has(field)) continue;
      if (field === 'JournalEntryLines' || JSON.stringify(value) !== JSON.stringify(existing[field])) {
        throw faults.businessRule(
          `Property '${field}' of a posted journal entry cannot be changed; reverse the entry instead [JournalEntry.${field}]`,
        );
      }
    }
    checkLengths(patch, HEADER_LIMITS, 'JournalEntry');
    return mergePatch(ctx, existing, patch);
  },

  remove() {
    throw faults.notSupported();
  },

  actions: {
    Cancel(ctx, existing) {
      const jdtNum = existing.JdtNum as number;
      if (existing.OriginalJournal !== 'ttJournalEntry')
        throw faults.businessRule('Only manual journal entries can be cancelled');
      if (ctx.store.hidden.reversals.has(jdtNum))
        throw faults.businessRule(`Journal entry ${jdtNum} is already cancelled`);
      if ([...ctx.store.hidden.reversals.values()].includes(jdtNum))
        throw faults.businessRule(`Journal entry ${jdtNum} is a reversal and cannot be cancelled`);
      checkPeriod(ctx, String(existing.ReferenceDate)); // the reversal is dated like the original
      const lines = (existing.JournalEntryLines as Entity[]).map((l) => ({
        ...l,
        Debit: l.Credit,
        Credit: l.Debit,
        DebitSys: l.CreditSys,
        CreditSys: l.DebitSys,
        FCDebit: l.FCCredit ?? null,
        FCCredit: l.FCDebit ?? null,
      }));
      const { JdtNum: _j, Number: _n, JournalEntryLines: _l, ...header } = existing;
      const reversal = post(ctx, { ...header, StornoDate: null, UseAutoStorno: 'tNO' }, lines);
      ctx.store.put('JournalEntries', reversal);
      ctx.store.hidden.reversals.set(jdtNum, reversal.JdtNum as number);
    },
  },
};
