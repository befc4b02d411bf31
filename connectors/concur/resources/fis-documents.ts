/**
 * `fis-documents` (source with `confirm`): Financial Integration Service v4 documents. A read lists
 * READY documents page by page and acknowledges each page before yielding it (a document whose
 * acknowledgement fails, e.g. recalled, is never posted); documents acknowledged by an earlier run
 * but never confirmed are delivered again first. After the target applied them, `confirm` sends the
 * posting confirmation (success with the ERP document's number, posting date and fiscal year, taken
 * from the record the target holds; or error with the reason).
 */
import type { ConfirmOutcome, DataRecord, SourceResource } from '../../../engine/connector/types.js';
import { ConnectorError } from '../../../engine/errors.js';
import { CONCUR_ERRORS } from '../errors.js';
import { docsOf, fisPath, sourceIdOf } from './fis-api.js';
import { confirmPostings } from './fis-confirm.js';
import { DEFAULT_POSTING_DATE_FIELD, type FisOptions } from './fis-documents.def.js';
import { FisPending, type PendingDoc } from './fis-pending.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';

type Json = Record<string, unknown>;

interface AckResult {
  docId?: string;
  code?: number;
  acknowledgeResult?: string;
  errorMessage?: string;
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  const o = options as unknown as FisOptions;
  if (typeof o.postingCompanyId !== 'string' || o.postingCompanyId === '')
    throw new ConnectorError(
      CONCUR_ERRORS.fisCompanyMissing,
      'fis-documents needs options.postingCompanyId: the ERP company every posting confirmation names (FIS requires postingDocs[].companyId)',
    );
  const docType = o.docType ?? 'expense';
  const systemId = o.systemId ?? env.config.systemId;
  const pending = new FisPending(env.context.credentials, env.context.connectionName, docType);
  const log = env.context.logger;

  async function acknowledge(docs: Json[]): Promise<Json[]> {
    const entries: PendingDoc[] = docs.map((d) => ({
      id: String(d.id),
      ...(sourceIdOf(d) && { sourceId: sourceIdOf(d) }),
    }));
    await pending.add(entries);
    const res = await env.client.request<AckResult[]>({
      method: 'POST',
      path: `${fisPath(docType)}/acknowledgements`,
      json: { systemId, ids: entries.map((e) => e.id) },
      family: 'fis',
      op: 'POST fis acknowledgements',
      idempotent: true,
    });
    const results = new Map((Array.isArray(res.body) ? res.body : []).map((r) => [String(r.docId), r]));
    const acked = docs.filter((d) => results.get(String(d.id))?.acknowledgeResult === 'SUCCESS');
    const refused = docs.filter((d) => !acked.includes(d));
    for (const d of refused) {
      const r = results.get(String(d.id));
      log.warn(
        { docId: d.id, code: r?.code, reason: r?.errorMessage },
        'concur: FIS document not acknowledged; it is not delivered',
      );
    }
    if (refused.length > 0) await pending.remove(refused.map((d) => String(d.id)));
    return acked.map((d) => ({ ...d, docStatus: 'ACKNOWLEDGED' }));
  }

  /** Documents acknowledged by an earlier run that stopped before confirming them. `dryRun`: no bookkeeping. */
  async function* redeliver(seen: Set<string>, dryRun: boolean): AsyncGenerator<Json[]> {
    const left = await pending.list();
    const done: string[] = [];
    const again: Json[] = [];
    for (const p of left) {
      if (!p.sourceId) continue;
      const res = await env.client.request({
        method: 'GET',
        path: fisPath(docType),
        searchParams: { docId: p.sourceId, ignoreDocumentStatus: 'yes', page: 0, limit: 100 },
        family: 'fis',
        op: 'GET fis documents',
      });
      const doc = docsOf(res.body).docs.find((d) => String(d.id) === p.id);
      if (doc?.docStatus === 'ACKNOWLEDGED') {
        seen.add(p.id);
        again.push(doc);
      } else if (doc?.docStatus !== 'READY') {
        // Confirmed (by a run that stopped before it could record that), recalled, or gone.
        if (doc?.docStatus === 'RECALLED')
          log.warn(
            { docId: p.id },
            'concur: an acknowledged FIS document was recalled before its posting was confirmed',
          );
        done.push(p.id);
      } else done.push(p.id); // READY again: the normal listing picks it up
    }
    if (done.length > 0 && !dryRun) await pending.remove(done);
    if (again.length > 0) yield again;
  }

  /** A plan reads the READY documents page by page without acknowledging them (nothing changes in Concur). */
  async function* preview(limit: number, seen: Set<string>): AsyncGenerator<Json[]> {
    for (let page = 0; ; page++) {
      const res = await env.client.request({
        method: 'GET',
        path: fisPath(docType),
        searchParams: { page, limit },
        family: 'fis',
        op: 'GET fis documents',
      });
      const { docs, totalPages } = docsOf(res.body);
      const fresh = docs.filter((d) => !seen.has(String(d.id)));
      for (const d of docs) seen.add(String(d.id));
      if (fresh.length > 0) yield fresh;
      if (docs.length === 0 || totalPages === undefined || page + 1 >= totalPages) return;
    }
  }

  return {
    async *read(request) {
      const seen = new Set<string>();
      yield* redeliver(seen, request.dryRun === true);
      const limit = o.pageSize ?? Math.min(100, request.pageSize ?? 25);
      if (request.dryRun) {
        yield* preview(limit, seen);
        return;
      }
      for (let page = 0; ;) {
        const res = await env.client.request({
          method: 'GET',
          path: fisPath(docType),
          searchParams: { page, limit },
          family: 'fis',
          op: 'GET fis documents',
        });
        const { docs, totalPages } = docsOf(res.body);
        if (docs.length === 0) return;
        const fresh = docs.filter((d) => !seen.has(String(d.id)));
        for (const d of docs) seen.add(String(d.id));
        if (fresh.length === 0) {
          // Only documents whose acknowledgement failed remain on this page: move on.
          page += 1;
          if (totalPages !== undefined && page >= totalPages) return;
          continue;
        }
        const acked = await acknowledge(fresh);
        if (acked.length > 0) yield acked;
        // Acknowledged documents leave the READY list, so the same page number now holds the next ones.
      }
    },
    // A confirmation names the document by its id (the source key) and the ERP entry: nothing of the document itself.
    confirmKeeps: () => ({}),
    // Of the ERP entry, only its posting date (the document number is the outcome's target id).
    confirmKeepsTarget: (record: DataRecord) => {
      const field = o.postingDateField ?? DEFAULT_POSTING_DATE_FIELD;
      return { [field]: record[field] };
    },
    async confirm(outcomes: ConfirmOutcome[]) {
      const done = await confirmPostings(
        env,
        {
          docType,
          systemId,
          posting: {
            companyId: o.postingCompanyId,
            dateField: o.postingDateField ?? DEFAULT_POSTING_DATE_FIELD,
            fiscalYearStartMonth: o.fiscalYearStartMonth ?? 1,
            fiscalYearNumbering: o.fiscalYearNumbering ?? 'start-year',
          },
        },
        outcomes,
      );
      if (done.length > 0) await pending.remove(done);
    },
  };
}

export const fisDocumentsOpeners: ConcurOpeners = { source };
