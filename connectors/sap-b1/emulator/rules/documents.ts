/**
 * Marketing documents: Invoices (OINV) and CreditNotes (ORIN), service-type only (items are not
 * emulated). DocTotal is the sum of line totals (no tax); DocumentStatus closes when payments or
 * credit notes cover the total. Documents cannot be deleted (400 -5006).
 */
import type { Entity } from '../edm/codec.js';
import type { EntitySetName } from '../edm/model.js';
import { faults } from '../errors.js';
import { asNumber, cents, checkLengths, mergePatch, round2, touchUpdated } from './common.js';
import { checkPostableAccount, checkProject } from './journal-lines.js';
import type { RuleContext, SetRules } from './types.js';

const HEADER_LIMITS = { CardCode: 15, NumAtCard: 100, Comments: 254, JournalMemo: 50 };
const PATCHABLE = new Set(['Comments', 'NumAtCard', 'DocDueDate', 'JournalMemo', 'Reference2']);

/** The key of a document's applied amount (DocEntry numbers repeat across document types). */
const appliedKey = (set: EntitySetName, doc: Entity): string => `${set}(${String(doc.DocEntry)})`;

/** What is still open on an invoice or credit note. */
export function openAmount(ctx: RuleContext, set: EntitySetName, doc: Entity): number {
  return round2(asNumber(doc.DocTotal) - (ctx.store.hidden.applied.get(appliedKey(set, doc)) ?? 0));
}

/** Applies (or with a negative amount releases) an amount on a document and opens/closes it. */
export function applyToDocument(ctx: RuleContext, set: EntitySetName, doc: Entity, amount: number): void {
  const key = appliedKey(set, doc);
  const applied = round2((ctx.store.hidden.applied.get(key) ?? 0) + amount);
  ctx.store.hidden.applied.set(key, applied);
  const closed = cents(applied) >= cents(asNumber(doc.DocTotal));
  // A payment or credit note changes the document (B1 stamps OINV.UpdateDate; inferred), so an
  // incremental read by UpdateDate sees it close or reopen.
  ctx.store.put(set, touchUpdated(ctx, { ...doc, DocumentStatus: closed ? 'bost_Close' : 'bost_Open' }));
}

function completeLines(ctx: RuleContext, lines: Entity[]): Entity[] {
  return lines.map((line, i) => {
    const where = `[DocumentLines.AccountCode][line: ${i + 1}]`;
    if (line.ItemCode !== undefined && line.ItemCode !== null)
      throw faults.businessRule(
        `Invalid item code '${String(line.ItemCode)}' [DocumentLines.ItemCode][line: ${i + 1}]`,
      );
    if (typeof line.AccountCode !== 'string') throw faults.businessRule(`AccountCode is mandatory ${where}`);
    checkPostableAccount(ctx, line.AccountCode, where);
    checkProject(ctx, line.ProjectCode, `[DocumentLines.ProjectCode][line: ${i + 1}]`);
    if (typeof line.LineTotal !== 'number' || line.LineTotal <= 0)
      throw faults.businessRule(`LineTotal must be positive [DocumentLines.LineTotal][line: ${i + 1}]`);
    return { ...line, LineNum: i, LineStatus: 'bost_Open' };
  });
}

function documentRules(set: 'Invoices' | 'CreditNotes', typeName: string): SetRules {
  return {
    create(ctx, input) {
      checkLengths(input, HEADER_LIMITS, typeName);
      const partner =
        typeof input.CardCode === 'string' ? ctx.store.get('BusinessPartners', input.CardCode) : undefined;
      if (!partner) throw faults.businessRule(`Invalid BP code '${String(input.CardCode)}' [${typeName}.CardCode]`);
      if (partner.CardType !== 'cCustomer')
        throw faults.businessRule(`'${String(input.CardCode)}' is not a customer [${typeName}.CardCode]`);
      const raw = (input.DocumentLines ?? []) as Entity[];
      if (raw.length === 0) throw faults.businessRule(`A document needs at least one line [${typeName}.DocumentLines]`);
      const lines = completeLines(ctx, raw);
      const total = round2(lines.reduce((s, l) => s + asNumber(l.LineTotal), 0));
      const docEntry = ctx.store.next(`${set}.DocEntry`, () => ctx.store.maxOf(set, 'DocEntry'));
      const docNum = ctx.store.next(`${set}.DocNum`, () => ctx.store.maxOf(set, 'DocNum'));
      const docDate = (input.DocDate as string | undefined) ?? ctx.clock.today();
      const doc: Entity = {
        ...input,
        DocEntry: docEntry,
        DocNum: docNum,
        DocType: 'dDocument_Service',
        DocDate: docDate,
        DocDueDate: input.DocDueDate ?? docDate,
        TaxDate: input.TaxDate ?? docDate,
        CardName: partner.CardName,
        DocCurrency: input.DocCurrency ?? ctx.localCurrency,
        DocTotal: total,
        DocumentStatus: 'bost_Open',
        Cancelled: 'tNO',
        CreationDate: ctx.clock.today(),
        // DocumentLine.DocEntry is Nullable="false" in the metadata: the line's document.
        DocumentLines: lines.map((l) => ({ ...l, DocEntry: docEntry })),
      };
      if (set === 'CreditNotes') applyBase(ctx, lines, input.CardCode as string);
      return touchUpdated(ctx, doc);
    },
    update(ctx, existing, patch) {
      const bad = Object.keys(patch).find(
        (k) => !PATCHABLE.has(k) && JSON.stringify(patch[k]) !== JSON.stringify(existing[k]),
      );
      if (bad !== undefined)
        throw faults.businessRule(`Property '${bad}' of a posted document cannot be changed [${typeName}.${bad}]`);
      checkLengths(patch, HEADER_LIMITS, typeName);
      return touchUpdated(ctx, mergePatch(ctx, existing, patch));
    },
    remove() {
      throw faults.notSupported();
    },
    actions: {
      Cancel(ctx, existing) {
        if (existing.Cancelled === 'tYES') throw faults.businessRule('Document is already cancelled');
        if ((ctx.store.hidden.applied.get(appliedKey(set, existing)) ?? 0) > 0) {
          throw faults.businessRule('Cannot cancel a document that has payments or credits applied');
        }
        ctx.store.put(set, { ...existing, Cancelled: 'tYES', DocumentStatus: 'bost_Close' });
      },
      Close(ctx, existing) {
        ctx.store.put(set, { ...existing, DocumentStatus: 'bost_Close' });
      },
    },
  };
}

/** Credit note lines based on an invoice (BaseType 13) reduce what is open on that invoice. */
function applyBase(ctx: RuleContext, lines: Entity[], cardCode: string): void {
  for (const line of lines) {
    if (line.BaseType !== 13 || typeof line.BaseEntry !== 'number') continue;
    const invoice = ctx.store.get('Invoices', line.BaseEntry);
    if (!invoice || invoice.CardCode !== cardCode)
      throw faults.businessRule(`Invalid base document ${line.BaseEntry} [DocumentLines.BaseEntry]`);
    if (invoice.DocumentStatus !== 'bost_Open')
      throw faults.businessRule(`Base document ${line.BaseEntry} is closed [DocumentLines.BaseEntry]`);
    const amount = asNumber(line.LineTotal);
    if (cents(amount) > cents(openAmount(ctx, 'Invoices', invoice)))
      throw faults.businessRule(`Amount exceeds the open amount of invoice ${line.BaseEntry}`);
    applyToDocument(ctx, 'Invoices', invoice, amount);
  }
}

export const invoiceRules = documentRules('Invoices', 'Document');
export const creditNoteRules = documentRules('CreditNotes', 'Document');
