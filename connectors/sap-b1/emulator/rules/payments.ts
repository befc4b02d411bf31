/**
 * IncomingPayments (ORCT): the partner must exist, means of payment go to postable accounts, and
 * each applied line (`PaymentInvoices`: DocEntry, SumApplied, InvoiceType) must point at an open
 * document of that partner without exceeding what is open. Payments cannot be deleted; Cancel
 * releases the applied amounts.
 *
 * Missing vendor fact: no public source gives the code or text SAP answers for a payment to an
 * unknown or closed invoice or above its open amount. The emulator answers 400 with code -10 (the
 * Service Layer's general business-rule code, fact sheet §3) and its own texts in B1's
 * `[Table.Field][line: n]` style.
 */
import type { Entity } from '../edm/codec.js';
import type { EntitySetName } from '../edm/model.js';
import { faults } from '../errors.js';
import { asNumber, cents, checkLengths, mergePatch, round2 } from './common.js';
import { applyToDocument, openAmount } from './documents.js';
import { checkPostableAccount } from './journal-lines.js';
import type { RuleContext, SetRules } from './types.js';

const LIMITS = { CardCode: 15, Remarks: 254, JournalRemarks: 50 };
const PATCHABLE = new Set(['Remarks', 'JournalRemarks', 'Reference2', 'CounterReference']);
const TARGETS: Record<string, EntitySetName> = { it_Invoice: 'Invoices', it_CredItnote: 'CreditNotes' };

function appliedLines(ctx: RuleContext, payment: Entity): Entity[] {
  const lines = (payment.PaymentInvoices ?? []) as Entity[];
  return lines.map((line, i) => {
    const type = (line.InvoiceType as string | undefined) ?? 'it_Invoice';
    const set = TARGETS[type];
    const where = `[PaymentInvoices.DocEntry][line: ${i + 1}]`;
    if (set === undefined)
      throw faults.businessRule(`Invoice type '${type}' is not supported by the emulator ${where}`);
    const doc = typeof line.DocEntry === 'number' ? ctx.store.get(set, line.DocEntry) : undefined;
    if (!doc) throw faults.businessRule(`Invalid document ${String(line.DocEntry)} ${where}`);
    if (doc.CardCode !== payment.CardCode)
      throw faults.businessRule(`Document ${String(line.DocEntry)} belongs to another business partner ${where}`);
    if (doc.DocumentStatus !== 'bost_Open')
      throw faults.businessRule(`Document ${String(line.DocEntry)} is already closed ${where}`);
    const sum = asNumber(line.SumApplied);
    if (sum <= 0) throw faults.businessRule(`SumApplied must be positive [PaymentInvoices.SumApplied][line: ${i + 1}]`);
    if (cents(sum) > cents(openAmount(ctx, set, doc)))
      throw faults.businessRule(
        `Applied amount exceeds the open amount of document ${String(line.DocEntry)} [PaymentInvoices.SumApplied][line: ${i + 1}]`,
      );
    return { ...line, LineNum: i, InvoiceType: type, InstallmentId: line.InstallmentId ?? 1 };
  });
}

function meansTotal(ctx: RuleContext, p: Entity): number {
  const means: [string, string][] = [
    ['CashAccount', 'CashSum'],
    ['TransferAccount', 'TransferSum'],
  ];
  let total = 0;
  for (const [acct, sum] of means) {
    const amount = asNumber(p[sum]);
    if (amount === 0) continue;
    if (typeof p[acct] !== 'string')
      throw faults.businessRule(`${acct} is mandatory when ${sum} is set [Payment.${acct}]`);
    checkPostableAccount(ctx, p[acct] as string, `[Payment.${acct}]`);
    total += amount;
  }
  for (const check of (p.PaymentChecks ?? []) as Entity[]) total += asNumber(check.CheckSum);
  for (const card of (p.PaymentCreditCards ?? []) as Entity[]) total += asNumber(card.CreditSum);
  return round2(total);
}

export const incomingPaymentRules: SetRules = {
  create(ctx, input) {
    checkLengths(input, LIMITS, 'Payment');
    const docType = (input.DocType as string | undefined) ?? (input.DocTypte as string | undefined) ?? 'rCustomer';
    const payment: Entity = { ...input, DocType: docType, DocTypte: docType };
    if (docType !== 'rAccount') {
      const partner =
        typeof input.CardCode === 'string' ? ctx.store.get('BusinessPartners', input.CardCode) : undefined;
      if (!partner) throw faults.businessRule(`Invalid BP code '${String(input.CardCode)}' [Payment.CardCode]`);
      payment.CardName = partner.CardName;
    }
    const lines = appliedLines(ctx, payment);
    const total = meansTotal(ctx, payment);
    if (total <= 0) throw faults.businessRule('Enter a payment amount [Payment.TransferSum]');
    const applied = round2(lines.reduce((s, l) => s + asNumber(l.SumApplied), 0));
    if (cents(applied) > cents(total))
      throw faults.businessRule(`Applied amount ${applied.toFixed(2)} exceeds the payment total ${total.toFixed(2)}`);
    for (const line of lines) {
      const set = TARGETS[line.InvoiceType as string] as EntitySetName;
      applyToDocument(ctx, set, ctx.store.get(set, line.DocEntry as number) as Entity, asNumber(line.SumApplied));
    }
    const docEntry = ctx.store.next('IncomingPayments.DocEntry', () => ctx.store.maxOf('IncomingPayments', 'DocEntry'));
    const docNum = ctx.store.next('IncomingPayments.DocNum', () => ctx.store.maxOf('IncomingPayments', 'DocNum'));
    const docDate = (input.DocDate as string | undefined) ?? ctx.clock.today();
    return {
      ...payment,
      DocEntry: docEntry,
      DocNum: docNum,
      DocDate: docDate,
      DueDate: input.DueDate ?? docDate,
      TaxDate: input.TaxDate ?? docDate,
      DocCurrency: input.DocCurrency ?? ctx.localCurrency,
      Cancelled: 'tNO',
      DocObjectCode: 'bopot_IncomingPayments',
      PaymentInvoices: lines,
    };
  },
  update(ctx, existing, patch) {
    const bad = Object.keys(patch).find(
      (k) => !PATCHABLE.has(k) && JSON.stringify(patch[k]) !== JSON.stringify(existing[k]),
    );
    if (bad !== undefined)
      throw faults.businessRule(`Property '${bad}' of a payment cannot be changed [Payment.${bad}]`);
    return mergePatch(ctx, existing, patch);
  },
  remove() {
    throw faults.notSupported();
  },
  actions: {
    Cancel(ctx, existing) {
      if (existing.Cancelled === 'tYES') throw faults.businessRule('Payment is already cancelled');
      for (const line of (existing.PaymentInvoices ?? []) as Entity[]) {
        const set = TARGETS[line.InvoiceType as string];
        const doc = set === undefined ? undefined : ctx.store.get(set, line.DocEntry as number);
        if (set !== undefined && doc) applyToDocument(ctx, set, doc, -asNumber(line.SumApplied));
      }
      ctx.store.put('IncomingPayments', { ...existing, Cancelled: 'tYES' });
    },
  },
};
