/**
 * The AR write-back pipelines under faults (ar-payments-to-sap-b1, ar-deductions-to-sap-b1): extra
 * demo data (30 more open invoices in SAP B1, a payment and a deduction for each, partial ones among
 * them, so a run has more than one batch), and assertions on what SAP B1 holds afterwards and on the
 * requests it received, as they went over the wire: every document exists once, an invoice is closed
 * exactly when what was applied to it covers it, and no document was sent again blind.
 */
import { expect } from 'vitest';
import type { DemoEnvironment } from '../../app/demo/environment.js';
import type { ArDeduction, ArPayment } from '../../connectors/ar-platform/emulator/index.js';
import type { ArSeed } from '../../connectors/ar-platform/emulator/seed.js';
import type { WireExchange } from '../../engine/emulator-kit/recorder.js';
import { cents, sum, type Json } from './journal-entries.js';

export const EXTRA = 30;
const CUSTOMERS = ['C3001', 'C3002', 'C3003', 'C3004', 'C3005', 'C3006'];
const NAMES: Record<string, string> = {
  C3001: 'Apex Research Labs',
  C3002: 'Bluewater Utilities',
  C3003: 'Cedar Valley Hospital',
  C3004: 'Dynamo Automotive',
  C3005: 'Everest Aerospace',
  C3006: 'Foxglove University',
};

/** Invoice n (1..EXTRA) of the extra data: DocEntry 100 + n, 100 + n dollars, open. */
export const extraInvoice = (n: number): { docEntry: number; card: string; total: number } => ({
  docEntry: 100 + n,
  card: CUSTOMERS[(n - 1) % CUSTOMERS.length]!,
  total: 100 + n,
});

/** The extra invoices in the Service Layer's v1 form (the emulator's `seed` option). */
export function extraInvoices(): Json[] {
  return Array.from({ length: EXTRA }, (_, i) => {
    const { docEntry, card, total } = extraInvoice(i + 1);
    return {
      DocEntry: docEntry,
      DocNum: 20000 + docEntry,
      DocType: 'dDocument_Service',
      DocDate: '2024-05-02',
      DocDueDate: '2024-06-01',
      TaxDate: '2024-05-02',
      CardCode: card,
      CardName: NAMES[card],
      NumAtCard: `PO-${docEntry}`,
      DocCurrency: 'USD',
      DocTotal: total,
      DocumentStatus: 'bost_Open',
      Cancelled: 'tNO',
      Comments: 'Maintenance contract',
      CreationDate: '2024-05-02',
      UpdateDate: '2024-05-02',
      DocumentLines: [
        {
          LineNum: 0,
          DocEntry: docEntry,
          ItemDescription: 'Maintenance',
          AccountCode: '4000',
          LineTotal: total,
          LineStatus: 'bost_Open',
        },
      ],
    };
  });
}

/** Minute `m` of 1 June 2024: the extra records come before the demo's (June 3 on), in this order. */
const stamp = (m: number): string =>
  `2024-06-01T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00.000Z`;

/** A payment per extra invoice: in full, except every third one (40.00 of it). */
export function extraPayments(): ArPayment[] {
  return Array.from({ length: EXTRA }, (_, i) => {
    const { docEntry, card, total } = extraInvoice(i + 1);
    const amount = (i + 1) % 3 === 0 ? 40 : total;
    return {
      id: `PAY-${3100 + i + 1}`,
      customerExternalId: card,
      amount,
      currency: 'USD',
      receivedDate: '2024-06-01',
      method: 'ach',
      bankReference: `BANK-20240601-${3100 + i + 1}`,
      status: 'matched',
      lines: [{ invoiceRef: String(docEntry), invoiceNumber: String(20000 + docEntry), appliedAmount: amount }],
      createdAt: stamp(i),
      updatedAt: stamp(i),
    };
  });
}

/**
 * An approved deduction per extra invoice: the whole invoice every fourth one, else 10.00; and, as the
 * 25th record, one against a closed invoice (B1 invoice 14), which SAP refuses.
 */
export function extraDeductions(): ArDeduction[] {
  const deduction = (id: string, card: string, invoice: number, amount: number, m: number): ArDeduction => ({
    id,
    customerExternalId: card,
    invoiceRef: String(invoice),
    paymentId: null,
    amount,
    currency: 'USD',
    reasonCode: 'PRICING',
    status: 'approved',
    approvedAt: stamp(m),
    note: null,
    createdAt: stamp(m),
    updatedAt: stamp(m),
  });
  const out = Array.from({ length: EXTRA }, (_, i) => {
    const { docEntry, card, total } = extraInvoice(i + 1);
    return deduction(`DED-${4100 + i + 1}`, card, docEntry, (i + 1) % 4 === 0 ? total : 10, i < 24 ? i : i + 1);
  });
  out.push(deduction('DED-4199', 'C3004', 14, 25, 24));
  return out;
}

/** The demo environment's options with the extra data. */
export function withExtraData(seed: ArSeed): {
  b1: { seed: { Invoices: Json[] } };
  ar: { seed: ArSeed };
} {
  return {
    b1: { seed: { Invoices: extraInvoices() } },
    ar: {
      seed: {
        ...seed,
        payments: [...seed.payments, ...extraPayments()],
        deductions: [...seed.deductions, ...extraDeductions()],
      },
    },
  };
}

/** What a pipeline writes: its entity set and the field holding the dedupe key. */
export interface Documents {
  entitySet: 'IncomingPayments' | 'CreditNotes';
  refField: 'Reference2' | 'NumAtCard';
}

/** Every exchange with SAP B1 from now on, as it went over the wire. */
export function recordWire(env: DemoEnvironment): WireExchange[] {
  const all: WireExchange[] = [];
  env.b1.recordTraffic((x) => all.push(x));
  return all;
}

const isPost = (x: WireExchange, set: string): boolean =>
  x.request.method === 'POST' && new RegExp(`/b1s/v\\d/(\\$batch|${set})(\\?|$)`).test(x.request.url);

/** The dedupe keys each create request carried (a `$batch` carries several), in arrival order. */
export function sends(wire: WireExchange[], docs: Documents): { requestId: number; key: string }[] {
  const field = new RegExp(`"${docs.refField}"\\s*:\\s*"([^"]+)"`, 'g');
  return wire
    .filter((x) => isPost(x, docs.entitySet))
    .sort((a, b) => a.requestId - b.requestId)
    .flatMap((x) => [...x.request.body.matchAll(field)].map((m) => ({ requestId: x.requestId, key: m[1]! })));
}

/** Look-ups of the entity set by the dedupe key: request id → the keys its `$filter` names. */
function lookups(wire: WireExchange[], docs: Documents): { requestId: number; keys: Set<string> }[] {
  const set = new RegExp(`/b1s/v\\d/${docs.entitySet}\\?`);
  const eq = new RegExp(`${docs.refField} eq '([^']*)'`, 'g');
  return wire
    .filter((x) => x.request.method === 'GET' && set.test(x.request.url))
    .map((x) => {
      const url = decodeURIComponent(x.request.url.replace(/\+/g, ' '));
      return { requestId: x.requestId, keys: new Set([...url.matchAll(eq)].map((m) => m[1]!)) };
    });
}

/**
 * No document was sent again blind: no create carried a key after the request that committed it, and
 * a create whose answer was unknown (no answer, a 5xx, or the client gave up waiting) was followed by
 * a search for its key before the key was sent again. (A `$batch` answer that shows processing stopped
 * at a refused change set is a clear answer: what came after it was not run and may be sent again.)
 */
export function expectNoBlindResend(env: DemoEnvironment, wire: WireExchange[], docs: Documents): void {
  const committedIn = new Map<string, number>();
  for (const e of env.b1.events.all('committed'))
    for (const w of e.writes)
      if (w.entitySet === docs.entitySet && w.entity) {
        const key = String(w.entity[docs.refField]);
        if (!committedIn.has(key)) committedIn.set(key, e.requestId);
      }
  const searched = lookups(wire, docs);
  const aborted = new Set(env.b1.events.all('aborted').map((e) => e.requestId));
  const unknown = new Set(
    wire.filter((x) => !x.response || x.response.status >= 500 || aborted.has(x.requestId)).map((x) => x.requestId),
  );
  const last = new Map<string, number>();
  for (const s of sends(wire, docs)) {
    const at = committedIn.get(s.key);
    expect(
      at === undefined || s.requestId <= at,
      `${s.key} sent again (request ${s.requestId}) after request ${at} committed it`,
    ).toBe(true);
    const before = last.get(s.key);
    if (before !== undefined && unknown.has(before)) {
      const looked = searched.some((l) => l.requestId > before && l.requestId < s.requestId && l.keys.has(s.key));
      expect(looked, `${s.key} sent again (request ${s.requestId}) without a look-up since request ${before}`).toBe(
        true,
      );
    }
    last.set(s.key, s.requestId);
  }
}

/** The documents SAP B1 holds by dedupe key; fails when a key is there twice. */
export function documentsByKey(env: DemoEnvironment, docs: Documents): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const d of env.b1.entities(docs.entitySet)) {
    const key = String(d[docs.refField]);
    expect(out.has(key), `two ${docs.entitySet} carry ${docs.refField} ${key}`).toBe(false);
    out.set(key, d);
  }
  return out;
}

/**
 * Each invoice is closed exactly when the payments and credit notes SAP holds cover it (the demo's
 * invoices 13 and 14 were closed from the start), and nothing applied exceeds an invoice.
 */
export function expectInvoicesClosedWhenCovered(env: DemoEnvironment): void {
  const applied = new Map<number, number>();
  const add = (docEntry: unknown, amount: unknown): void => {
    applied.set(Number(docEntry), (applied.get(Number(docEntry)) ?? 0) + cents(amount));
  };
  for (const p of env.b1.entities('IncomingPayments'))
    for (const l of p.PaymentInvoices as Json[]) add(l.DocEntry, l.SumApplied);
  for (const c of env.b1.entities('CreditNotes'))
    for (const l of c.DocumentLines as Json[]) if (l.BaseType === 13) add(l.BaseEntry, l.LineTotal);
  for (const inv of env.b1.entities('Invoices')) {
    const n = Number(inv.DocEntry);
    const total = cents(inv.DocTotal);
    const got = applied.get(n) ?? 0;
    expect(got, `applied to invoice ${n}`).toBeLessThanOrEqual(total);
    const closed = n === 13 || n === 14 || got === total;
    expect(inv.DocumentStatus, `invoice ${n}: ${got / 100} of ${total / 100} applied`).toBe(
      closed ? 'bost_Close' : 'bost_Open',
    );
  }
}

/** The amount a document carries (a payment's TransferSum, a credit note's lines). */
export function amountOf(docs: Documents, d: Json): number {
  return docs.entitySet === 'IncomingPayments'
    ? cents(d.TransferSum)
    : sum((d.DocumentLines as Json[]).map((l) => cents(l.LineTotal)));
}
