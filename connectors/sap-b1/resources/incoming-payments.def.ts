/**
 * `incoming-payments` (IncomingPayments, ORCT): payments applied to invoices by DocEntry,
 * SumApplied and InvoiceType. Create only, with the dedupe key in a reference field and the same
 * duplicate guard as journal entries.
 */
import type { DataRecord, ResourceDefinition } from '../../../engine/connector/types.js';
import { lengthProblems, linesOf } from './field-limits.js';
import { objectSchema, referenceFieldOption } from './options.js';
import { TARGET_BULK_SIZE } from './types.js';

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const cents = (n: number): number => Math.round(n * 100);

export function paymentProblems(record: DataRecord): string[] {
  const problems = lengthProblems(record, { CardCode: 15, Remarks: 254, JournalRemarks: 50 });
  const lines = linesOf(record, 'PaymentInvoices');
  lines.forEach((l, i) => {
    if (typeof l.DocEntry !== 'number' || !Number.isInteger(l.DocEntry))
      problems.push(`PaymentInvoices line ${i + 1}: DocEntry must be an integer`);
    if (typeof l.SumApplied !== 'number' || l.SumApplied <= 0)
      problems.push(`PaymentInvoices line ${i + 1}: SumApplied must be a positive number`);
  });
  const total =
    ['CashSum', 'TransferSum'].reduce((s, f) => s + cents(num(record[f])), 0) +
    linesOf(record, 'PaymentChecks').reduce((s, c) => s + cents(num(c.CheckSum)), 0) +
    linesOf(record, 'PaymentCreditCards').reduce((s, c) => s + cents(num(c.CreditSum)), 0);
  if (total <= 0) problems.push('the payment has no amount (CashSum, TransferSum, checks or credit cards)');
  const applied = lines.reduce((s, l) => s + cents(num(l.SumApplied)), 0);
  if (applied > total)
    problems.push(`applied ${(applied / 100).toFixed(2)} exceeds the payment total ${(total / 100).toFixed(2)}`);
  return problems;
}

const PAYMENT_REFERENCE_FIELDS = [
  'Reference2',
  'CounterReference',
  'TransferReference',
  'Remarks',
  'JournalRemarks',
] as const;

export const incomingPaymentsDefinition: ResourceDefinition = {
  description:
    'Incoming payments (IncomingPayments, ORCT) applied to invoices (PaymentInvoices: DocEntry, SumApplied, InvoiceType). Create only, duplicate-guarded by a reference field; existing payments are locked.',
  roles: ['target'],
  key: 'DocEntry',
  optionsSchema: objectSchema('Options of the incoming-payments target.', {
    referenceField: referenceFieldOption(PAYMENT_REFERENCE_FIELDS, 'Reference2'),
  }),
  capabilities: { bulkSize: TARGET_BULK_SIZE, modes: ['create'], deleteActions: [], immutable: true },
  check: paymentProblems,
};
