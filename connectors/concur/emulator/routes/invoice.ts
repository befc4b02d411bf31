/**
 * Invoice v3: payment request digests (a list with status and date filters), full payment requests
 * (line items wrapped XML-style, a single item as an object), and the localized code lists.
 * Fixture payment requests carry their digest-only fields under `_meta`.
 */
import { errorResponse } from '../error-bodies.js';
import { v3Page } from '../paging.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import type { Json } from '../state.js';
import { parseV3Date } from './expense.js';

export const INVOICE_STATUS_CODES: Record<string, { Code: string; LocalizedValue: string }[]> = {
  approvalStatus: [
    { Code: 'A_NOTF', LocalizedValue: 'Not Submitted' },
    { Code: 'A_PEND', LocalizedValue: 'Pending Approval' },
    { Code: 'A_APPR', LocalizedValue: 'Approved' },
    { Code: 'A_RESU', LocalizedValue: 'Sent Back' },
  ],
  paymentStatus: [
    { Code: 'P_NOTP', LocalizedValue: 'Not Paid' },
    { Code: 'P_PROC', LocalizedValue: 'Processing Payment' },
    { Code: 'P_PAID', LocalizedValue: 'Paid' },
  ],
};

function meta(p: Json): Json {
  return (p._meta as Json | undefined) ?? {};
}

function strip(p: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(p)) if (!k.startsWith('_')) out[k] = v;
  return out;
}

export function digestOf(origin: string, p: Json): Json {
  const m = meta(p);
  const id = String(p.ID);
  const uri = `${origin}/api/v3.0/invoice/paymentrequest/${encodeURIComponent(id)}`;
  return {
    ID: id,
    URI: `${origin}/api/v3.0/invoice/paymentrequestdigests/${encodeURIComponent(id)}`,
    PaymentRequestId: id,
    PaymentRequestUri: uri,
    ApprovalStatusCode: m.ApprovalStatusCode,
    PaymentStatusCode: m.PaymentStatusCode,
    CurrencyCode: p.CurrencyCode,
    Total: p.InvoiceAmount,
    InvoiceNumber: p.InvoiceNumber,
    VendorName: (p.VendorRemitAddress as Json | undefined)?.Name,
    OwnerLoginID: m.OwnerLoginID,
    OwnerName: m.OwnerName,
    CreateDate: m.CreateDate,
    PaidDate: p.PaidDate,
    UserDefinedDate: m.UserDefinedDate,
    PurchaseOrderNumber: p.PurchaseOrderNumber,
    IsDeleted: 'false',
  };
}

function listDigests(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const q = req.query;
  let all = [...ctx.state.paymentRequests.values()];
  const approval = q.get('approvalStatus');
  if (approval) all = all.filter((p) => approval.split(',').includes(String(meta(p).ApprovalStatusCode)));
  const payment = q.get('paymentStatus');
  if (payment) all = all.filter((p) => payment.split(',').includes(String(meta(p).PaymentStatusCode)));
  const modified = q.get('lastModifiedDateAfter');
  if (modified) {
    const bound = parseV3Date(modified);
    if (bound === undefined) return errorResponse('v3', 400, `Invalid value for lastModifiedDateAfter: ${modified}`);
    all = all.filter((p) => (parseV3Date(String(meta(p).LastModifiedDate ?? '').slice(0, 19)) ?? 0) >= bound);
  }
  const page = v3Page(req, all, 1000, 1000);
  if (!page) return errorResponse('v3', 400, 'Invalid offset');
  const digests = page.items.map((p) => digestOf(req.origin, p));
  // The spec has both envelope keys; the emulator sends both.
  return {
    status: 200,
    body: { Items: digests, PaymentRequestDigest: digests, NextPage: page.nextPage, TotalCount: page.total },
  };
}

function getDigest(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const p = ctx.state.paymentRequests.get(req.params.id ?? '');
  if (!p) return errorResponse('v3', 404, `Payment request digest ${req.params.id ?? ''} was not found`);
  return { status: 200, body: digestOf(req.origin, p) };
}

/** XML heritage: a collection of one is an object, not an array. */
function wrap(items: Json[], key: string): Json {
  return { [key]: items.length === 1 ? items[0] : items };
}

function getPaymentRequest(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const p = ctx.state.paymentRequests.get(req.params.id ?? '');
  if (!p) return errorResponse('v3', 404, `Payment request ${req.params.id ?? ''} was not found`);
  const lines = ((p.LineItems as Json[] | undefined) ?? []).map((li) => {
    const allocations = (li.Allocations as Json[] | undefined) ?? [];
    return { ...li, Allocations: wrap(allocations, 'Allocation') };
  });
  return {
    status: 200,
    body: {
      ...strip(p),
      URI: `${req.origin}/api/v3.0/invoice/paymentrequest/${encodeURIComponent(String(p.ID))}`,
      LineItems: wrap(lines, 'LineItem'),
    },
  };
}

function localizedData(req: EmuRequest): EmuResponse {
  const type = req.query.get('type') ?? '';
  const codes = INVOICE_STATUS_CODES[type];
  if (!codes) return errorResponse('v3', 400, `Unknown localized data type ${type}`);
  const data = codes.map((c) => ({ ...c, LangCode: 'en' }));
  return { status: 200, body: { LocalizationData: data, TotalCount: data.length } };
}

export const invoiceRoutes: RouteDef[] = [
  { method: 'GET', path: '/api/v3.0/invoice/paymentrequestdigests', family: 'v3', auth: true, handler: listDigests },
  { method: 'GET', path: '/api/v3.0/invoice/paymentrequestdigests/:id', family: 'v3', auth: true, handler: getDigest },
  { method: 'GET', path: '/api/v3.0/invoice/paymentrequest/:id', family: 'v3', auth: true, handler: getPaymentRequest },
  { method: 'GET', path: '/api/v3.0/invoice/localizeddata', family: 'v3', auth: true, handler: localizedData },
];
