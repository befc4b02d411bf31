/**
 * Reading and creating `journal-entries` (journal-entries.def.ts): the guarded-create target with
 * the entries completed before planning (journal-prepare.ts) and reversed for corrections
 * (journal-reverse.ts).
 */
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { FinanceFacts } from './finance-facts.js';
import { openGuardedCreateTarget } from './guarded-create.js';
import { journalEntryProblems } from './journal-entries.def.js';
import type { PeriodPolicy, RateFallback } from './journal-options.js';
import { journalPreparer } from './journal-prepare.js';
import { journalReverser, liveEntries } from './journal-reverse.js';
import type { SapB1Openers } from './types.js';

const SOURCE: EntitySourceSpec = {
  entitySet: 'JournalEntries',
  key: 'JdtNum',
  cursorFields: { JdtNum: 'int', ReferenceDate: 'date' },
};

export const journalEntriesOpeners: SapB1Openers = {
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
