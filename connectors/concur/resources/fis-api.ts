/** FIS v4 addressing and envelopes, shared by reading and confirming. */
type Json = Record<string, unknown>;

/** The documented base path (the spec's `/api/v4.0/fi/v4/...` form is not used). */
export function fisPath(docType: string): string {
  return `/financialintegration/fi/v4/companies/transactiontypes/${encodeURIComponent(docType)}/transactions`;
}

/** The report / request id of a document, for re-reading it by `docId`. */
export function sourceIdOf(doc: Json): string | undefined {
  const d = (doc.document ?? {}) as Json;
  for (const [section, field] of [
    ['report', 'reportId'],
    ['request', 'requestId'],
    ['paymentRequest', 'requestId'],
    ['invoice', 'requestId'],
    ['cashAdvance', 'cashAdvanceId'],
  ] as const) {
    const v = ((d[section] ?? {}) as Json)[field];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** Accepts the documented `{content, page}` envelope and the spec's `{fIDocuments | getfIDocuments}`. */
export function docsOf(body: unknown): { docs: Json[]; totalPages: number | undefined } {
  const b = (body ?? {}) as Json;
  const docs = b.content ?? b.fIDocuments ?? b.getfIDocuments ?? [];
  const totalPages = ((b.page ?? {}) as Json).totalPages;
  return {
    docs: Array.isArray(docs) ? (docs as Json[]) : [],
    totalPages: typeof totalPages === 'number' ? totalPages : undefined,
  };
}
