/**
 * `credit-notes` (CreditNotes, ORIN): A/R credit notes with service lines, optionally based on an
 * invoice. Create only, duplicate-guarded by a reference field (default NumAtCard).
 */
import type { DataRecord, ResourceDefinition } from '../../../engine/connector/types.js';
import { lengthProblems, linesOf } from './field-limits.js';
import { objectSchema, referenceFieldOption } from './options.js';
import { TARGET_BULK_SIZE } from './types.js';

export function creditNoteProblems(record: DataRecord): string[] {
  const problems = lengthProblems(record, { CardCode: 15, NumAtCard: 100, Comments: 254, JournalMemo: 50 });
  const lines = linesOf(record, 'DocumentLines');
  if (lines.length === 0) problems.push('DocumentLines needs at least one line');
  return problems;
}

const CREDIT_REFERENCE_FIELDS = ['NumAtCard', 'Reference2', 'Comments'] as const;

export const creditNotesDefinition: ResourceDefinition = {
  description:
    'A/R credit notes (CreditNotes, ORIN), service lines, optionally based on an invoice. Create only, duplicate-guarded by a reference field (default NumAtCard); existing credit notes are locked.',
  roles: ['target'],
  key: 'DocEntry',
  optionsSchema: objectSchema('Options of the credit-notes target.', {
    referenceField: referenceFieldOption(CREDIT_REFERENCE_FIELDS, 'NumAtCard'),
  }),
  capabilities: { bulkSize: TARGET_BULK_SIZE, modes: ['create'], deleteActions: [], immutable: true },
  check: creditNoteProblems,
};
