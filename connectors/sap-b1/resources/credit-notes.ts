/** Creating `credit-notes` (credit-notes.def.ts), duplicate-guarded by the reference field. */
import { creditNoteProblems } from './credit-notes.def.js';
import { openGuardedCreateTarget } from './guarded-create.js';
import type { SapB1Openers } from './types.js';

export const creditNotesOpeners: SapB1Openers = {
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
