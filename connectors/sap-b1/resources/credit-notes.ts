/**
 * `credit-notes` (CreditNotes, ORIN): A/R credit notes with service lines, optionally based on an
 * invoice. Create only, duplicate-guarded by a reference field (default NumAtCard).
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { lengthProblems, linesOf } from './field-limits.js';
import { openGuardedCreateTarget } from './guarded-create.js';
import { objectSchema, referenceFieldOption } from './options.js';
import { TARGET_BULK_SIZE, type SapB1Resource } from './types.js';

export function creditNoteProblems(record: DataRecord): string[] {
  const problems = lengthProblems(record, { CardCode: 15, NumAtCard: 100, Comments: 254, JournalMemo: 50 });
  const lines = linesOf(record, 'DocumentLines');
  if (lines.length === 0) problems.push('DocumentLines needs at least one line');
  return problems;
}

const CREDIT_REFERENCE_FIELDS = ['NumAtCard', 'Reference2', 'Comments'] as const;

export const creditNotes: SapB1Resource = {
  definition: {
    description:
      'A/R credit notes (CreditNotes, ORIN), service lines, optionally based on an invoice. Create only, duplicate-guarded by a reference field (default NumAtCard); existing credit notes are locked.',
    roles: ['target'],
    key: 'DocEntry',
    optionsSchema: objectSchema('Options of the credit-notes target.', {
      referenceField: referenceFieldOption(CREDIT_REFERENCE_FIELDS, 'NumAtCard'),
    }),
    capabilities: { bulkSize: TARGET_BULK_SIZE, modes: ['create'], deleteActions: [], immutable: true },
    check: creditNoteProblems,
  },
  openTarget: (ctx, options) =>
    openGuardedCreateTarget(ctx, {
      entitySet: 'CreditNotes',
      idField: 'DocEntry',
      referenceField: typeof options.referenceField === 'string' ? options.referenceField : 'NumAtCard',
      lockedReason: (e) =>
        `credit note ${String(e.DocEntry)} (number ${String(e.DocNum)}) is posted; cancel it in SAP instead of changing it`,
      check: creditNoteProblems,
    }),
};
