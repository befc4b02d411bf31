/**
 * Expense Report v3: reports (company-wide with `user=ALL`, status and date filters), entries and
 * allocations by report, all paged with an opaque `offset` and an absolute `NextPage`.
 */
import { errorResponse } from '../error-bodies.js';
import { v3Page } from '../paging.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import type { Json } from '../state.js';

/** `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss[.SSS]`, read as UTC; undefined when unparsable. */
export function parseV3Date(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/.test(value)) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function dateOf(r: Json, field: string): number | undefined {
  const v = r[field];
  return typeof v === 'string' ? parseV3Date(v.slice(0, 23)) : undefined;
}

const DATE_FILTERS: [param: string, field: string, after: boolean][] = [
  ['modifiedDateAfter', 'LastModifiedDate', true],
  ['modifiedDateBefore', 'LastModifiedDate', false],
  ['createDateAfter', 'CreateDate', true],
  ['createDateBefore', 'CreateDate', false],
  ['submitDateAfter', 'SubmitDate', true],
  ['submitDateBefore', 'SubmitDate', false],
  ['paidDateAfter', 'PaidDate', true],
  ['paidDateBefore', 'PaidDate', false],
  ['processingPaymentDateAfter', 'ProcessingPaymentDate', true],
  ['processingPaymentDateBefore', 'ProcessingPaymentDate', false],
];

function withUri(origin: string, path: string, r: Json): Json {
  return { ...r, URI: `${origin}${path}/${encodeURIComponent(String(r.ID))}` };
}

function listReports(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const q = req.query;
  let reports = [...ctx.state.reports.values()];
  const user = q.get('user');
  if (user === null)
    reports = []; // a company token owns no reports of its own
  else if (user.toUpperCase() !== 'ALL')
    reports = reports.filter((r) => String(r.OwnerLoginID).toLowerCase() === user.toLowerCase());
  const approval = q.get('approvalStatusCode');
  if (approval) {
    const codes = approval.split(',').map((s) => s.trim());
    reports = reports.filter((r) => codes.includes(String(r.ApprovalStatusCode)));
  }
  const payment = q.get('paymentStatusCode');
  if (payment) {
    const codes = payment.split(',').map((s) => s.trim());
    reports = reports.filter((r) => codes.includes(String(r.PaymentStatusCode)));
  }
  for (const [param, field, after] of DATE_FILTERS) {
    const raw = q.get(param);
    if (raw === null) continue;
    const bound = parseV3Date(raw);
    if (bound === undefined) return errorResponse('v3', 400, `Invalid value for ${param}: ${raw}`);
    reports = reports.filter((r) => {
      const d = dateOf(r, field);
      return d !== undefined && (after ? d >= bound : d < bound);
    });
  }
  const page = v3Page(req, reports, 25, 100);
  if (!page) return errorResponse('v3', 400, 'Invalid offset');
  return {
    status: 200,
    body: {
      Items: page.items.map((r) => withUri(req.origin, '/api/v3.0/expense/reports', r)),
      NextPage: page.nextPage,
    },
  };
}

function getReport(req: EmuRequest, ctx: EmuContext): EmuResponse {
  if ((req.query.get('user') ?? '').toUpperCase() === 'ALL') {
    return errorResponse('v3', 400, 'The user parameter value ALL is not valid for a single report');
  }
  const report = ctx.state.reports.get(req.params.id ?? '');
  if (!report) return errorResponse('v3', 404, `Report ${req.params.id ?? ''} was not found`);
  return { status: 200, body: withUri(req.origin, '/api/v3.0/expense/reports', report) };
}

function listEntries(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const reportId = req.query.get('reportID');
  const entries = [...ctx.state.entries.values()].filter((e) => reportId === null || e.ReportID === reportId);
  const page = v3Page(req, entries, 25, 100);
  if (!page) return errorResponse('v3', 400, 'Invalid offset');
  return {
    status: 200,
    body: {
      Items: page.items.map((e) => withUri(req.origin, '/api/v3.0/expense/entries', e)),
      NextPage: page.nextPage,
    },
  };
}

function listAllocations(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const reportId = req.query.get('reportID');
  const entryId = req.query.get('entryID');
  if (reportId === null && entryId === null) return errorResponse('v3', 400, 'reportID or entryID is required');
  const entryIds = new Set(
    [...ctx.state.entries.values()]
      .filter((e) => (reportId === null || e.ReportID === reportId) && (entryId === null || e.ID === entryId))
      .map((e) => e.ID),
  );
  const allocations = [...ctx.state.allocations.values()].filter((a) => entryIds.has(a.EntryID));
  const page = v3Page(req, allocations, 25, 100);
  if (!page) return errorResponse('v3', 400, 'Invalid offset');
  return {
    status: 200,
    body: {
      Items: page.items.map((a) => withUri(req.origin, '/api/v3.0/expense/allocations', a)),
      NextPage: page.nextPage,
    },
  };
}

export const expenseRoutes: RouteDef[] = [
  { method: 'GET', path: '/api/v3.0/expense/reports', family: 'v3', auth: true, handler: listReports },
  { method: 'GET', path: '/api/v3.0/expense/reports/:id', family: 'v3', auth: true, handler: getReport },
  { method: 'GET', path: '/api/v3.0/expense/entries', family: 'v3', auth: true, handler: listEntries },
  { method: 'GET', path: '/api/v3.0/expense/allocations', family: 'v3', auth: true, handler: listAllocations },
];
