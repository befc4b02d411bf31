/**
 * Financial Integration Service v4: list READY (un-acknowledged) documents, acknowledge them,
 * confirm their posting. Each step changes `docStatus`; per-item results carry the documented
 * codes (101 already acknowledged, 102 recalled, 111 not acknowledged, 113 already confirmed...).
 * Served under the documented `/financialintegration/fi/v4/...` and the spec's `/api/v4.0/fi/v4/...`.
 */
import { errorResponse } from '../error-bodies.js';
import { tellCommitted } from '../events.js';
import { confirmationProblem, confirmationRequestProblem } from '../fis-confirmation.js';
import { fisPage } from '../paging.js';
import type { EmuContext, EmuRequest, EmuResponse, RouteDef } from '../router.js';
import type { FisDocument, Json } from '../state.js';

export const FIS_DOC_TYPES = [
  'expense',
  'invoice',
  'cashadvance',
  'payroll',
  'obligation',
  'requestobligation',
  'reportobligation',
] as const;

function docType(req: EmuRequest): string | undefined {
  const t = req.params.docType ?? '';
  return (FIS_DOC_TYPES as readonly string[]).includes(t) ? t : undefined;
}

function docOut(d: FisDocument, asText: boolean): Json {
  return {
    id: d.id,
    docType: d.docType,
    companyId: d.companyId,
    entityId: d.entityId,
    companyUuid: d.companyUuid,
    erpSystemId: d.erpSystemId,
    document: asText ? JSON.stringify(d.document) : d.document,
    docStatus: d.docStatus,
    links: [],
  };
}

function list(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const type = docType(req);
  if (!type) return errorResponse('fis', 400, `Invalid docType ${req.params.docType ?? ''}`);
  const docId = req.query.get('docId');
  const ignoreStatus = docId !== null && (req.query.get('ignoreDocumentStatus') ?? 'no').toLowerCase() === 'yes';
  const docs = [...ctx.state.fisDocuments.values()].filter(
    (d) => d.docType === type && (docId === null || d.sourceId === docId) && (ignoreStatus || d.docStatus === 'READY'),
  );
  const asText = String(req.headers.documentformatas ?? 'json').toLowerCase() === 'text';
  const page = fisPage(req, docs);
  return {
    status: 200,
    body: { links: page.links, content: page.content.map((d) => docOut(d, asText)), page: page.page },
  };
}

function bodyOf(req: EmuRequest): Json | undefined {
  return req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Json) : undefined;
}

function succeeded(results: Json[]): { key: string; id: string }[] {
  return results.filter((r) => r.code === 0).map((r) => ({ key: String(r.docId), id: String(r.docId) }));
}

function acknowledge(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const type = docType(req);
  if (!type) return errorResponse('fis', 400, `Invalid docType ${req.params.docType ?? ''}`);
  const body = bodyOf(req);
  if (!body || !Array.isArray(body.ids)) return errorResponse('fis', 400, 'ids is required');
  const systemId = typeof body.systemId === 'string' ? body.systemId : '';
  if (systemId.length > 50) return errorResponse('fis', 400, 'systemId is longer than 50 characters');
  const results = (body.ids as unknown[]).map((raw) => {
    const id = String(raw);
    const r = (code: number, result: 'SUCCESS' | 'FAILURE', errorMessage?: string): Json => ({
      code,
      docId: id,
      systemId,
      acknowledgeResult: result,
      ...(errorMessage && { errorMessage }),
    });
    const doc = ctx.state.fisDocuments.get(id);
    if (!doc) return r(104, 'FAILURE', 'Document not found');
    if (doc.docType !== type) return r(105, 'FAILURE', `Document is of type ${doc.docType}`);
    if (doc.erpSystemId && systemId && doc.erpSystemId !== systemId) return r(99, 'FAILURE', 'systemId does not match');
    if (doc.docStatus === 'RECALLED') return r(102, 'FAILURE', 'Document was recalled');
    if (
      doc.docStatus === 'ACKNOWLEDGED' ||
      doc.docStatus.startsWith('POSTING_CONFIRMED') ||
      doc.docStatus.startsWith('PAYMENT_CONFIRMED')
    ) {
      return r(101, 'FAILURE', 'Document was already acknowledged');
    }
    if (doc.docStatus !== 'READY') return r(103, 'FAILURE', `Document is not ready (${doc.docStatus})`);
    doc.docStatus = 'ACKNOWLEDGED';
    doc.acknowledgedBy = systemId;
    return r(0, 'SUCCESS');
  });
  tellCommitted(ctx, req, 'fis-documents', succeeded(results));
  return { status: 200, body: results };
}

function confirmPosting(req: EmuRequest, ctx: EmuContext): EmuResponse {
  const type = docType(req);
  if (!type) return errorResponse('fis', 400, `Invalid docType ${req.params.docType ?? ''}`);
  const body = bodyOf(req);
  const refused = confirmationRequestProblem(body);
  if (refused || !body) return errorResponse('fis', 400, refused ?? 'a JSON body is required');
  const systemId = String(body.systemId);
  const results = (body.postingConfirmations as Json[]).map((c) => {
    const id = String((c as Json | null)?.docId ?? '');
    const r = (code: number, result: string, errorMessage?: string): Json => ({
      code,
      docId: id,
      systemId,
      postingConfirmationResult: result,
      ...(errorMessage && { errorMessage, detailMessage: errorMessage }),
    });
    const invalid = confirmationProblem(c);
    if (invalid) return r(198, 'FAILURE', invalid);
    const status = String(c.overallPostingStatusCode).toLowerCase();
    const doc = ctx.state.fisDocuments.get(id);
    if (!doc) return r(116, 'DOCUMENT_NOT_FOUND', 'Document not found');
    if (doc.docType !== type) return r(115, 'FAILURE', `Document is of type ${doc.docType}`);
    if (doc.docStatus === 'RECALLED') return r(112, 'WAS_RECALLED', 'Document was recalled');
    if (doc.docStatus === 'READY') return r(111, 'NOT_YET_ACKNOWLEDGED', 'Document was not acknowledged');
    if (doc.docStatus.startsWith('POSTING_CONFIRMED') || doc.docStatus.startsWith('PAYMENT_CONFIRMED')) {
      return r(113, 'FAILURE', 'Posting was already confirmed');
    }
    if (doc.docStatus !== 'ACKNOWLEDGED') return r(114, 'FAILURE', `Unknown document state ${doc.docStatus}`);
    if (doc.acknowledgedBy && systemId !== doc.acknowledgedBy)
      return r(99, 'FAILURE', 'systemId does not match the acknowledging system');
    doc.docStatus = status === 'success' ? 'POSTING_CONFIRMED_SUCCESS' : 'POSTING_CONFIRMED_FAILURE';
    doc.postingConfirmation = structuredClone(c); // what it was told, as it was told
    const report = ctx.state.reports.get(doc.sourceId);
    if (report) report.PaymentStatusName = status === 'success' ? 'Sent for Payment' : 'Financial Posting Failed';
    return r(0, 'SUCCESS');
  });
  tellCommitted(ctx, req, 'fis-documents', succeeded(results));
  return { status: 200, body: results };
}

const BASES = [
  '/financialintegration/fi/v4/companies/transactiontypes/:docType/transactions',
  '/api/v4.0/fi/v4/companies/transactiontypes/:docType/transactions',
];

export const fisRoutes: RouteDef[] = BASES.flatMap((base): RouteDef[] => [
  { method: 'GET', path: base, family: 'fis', auth: true, handler: list },
  { method: 'POST', path: `${base}/acknowledgements`, family: 'fis', auth: true, handler: acknowledge },
  { method: 'POST', path: `${base}/postingconfirmations`, family: 'fis', auth: true, handler: confirmPosting },
]);
