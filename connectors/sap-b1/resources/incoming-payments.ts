/** Creating `incoming-payments` (incoming-payments.def.ts), duplicate-guarded by the reference field. */
import { openGuardedCreateTarget } from './guarded-create.js';
import { paymentProblems } from './incoming-payments.def.js';
import type { SapB1Openers } from './types.js';

export const incomingPaymentsOpeners: SapB1Openers = {
  openTarget: (ctx, options) =>
    openGuardedCreateTarget(ctx, {
      entitySet: 'IncomingPayments',
      idField: 'DocEntry',
      referenceField: typeof options.referenceField === 'string' ? options.referenceField : 'Reference2',
      lockedReason: (e) =>
        `incoming payment ${String(e.DocEntry)} (number ${String(e.DocNum)}) is posted; cancel it in SAP instead of changing it`,
      check: paymentProblems,
    }),
};
