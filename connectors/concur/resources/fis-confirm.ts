/**
 * FIS posting confirmations after apply: `success` with the ERP document (its number, posting date
 * and fiscal year, from the record the target holds: fis-posting.ts), or `error` with the reason
 * (Concur then shows "Financial Posting Failed"). Bodies follow the documented Confirmation Request
 * (DOC:financial-integration/v4.financial-integration; the spec has no request schema): `systemId`,
 * and per document `docId`, `overallPostingStatusCode`, `postingDocs` and `systemMessages` (both
 * arrays, empty where there is nothing to say). Results are per document: SUCCESS and
 * "already confirmed" (113) are done; "not yet acknowledged" (111) is acknowledged and sent again;
 * "recalled" (112) is reported loudly (the ERP holds a posting for a recalled report); anything
 * else stays pending for the next run. Returns the ids that need no further confirmation.
 */
import type { ConfirmOutcome } from '../../../engine/connector/types.js';
import { fisPath } from './fis-api.js';
import { postingDoc, type PostingDocSettings } from './fis-posting.js';
import type { ResourceEnv } from './resource.js';

type Json = Record<string, unknown>;

export const MESSAGE_LIMIT = 1300;
const CHUNK = 50;

export interface ConfirmSettings {
  docType: string;
  systemId: string;
  posting: PostingDocSettings;
}

interface ConfirmResult {
  docId?: string;
  code?: number;
  postingConfirmationResult?: string;
  errorMessage?: string;
}

function confirmation(env: ResourceEnv, o: ConfirmOutcome, s: ConfirmSettings): Json {
  const docId = String(o.sourceKey);
  if (o.status === 'success') {
    const today = new Date(env.clock.now()).toISOString().slice(0, 10);
    const { doc, dateMissing } = postingDoc(o, s.posting, today);
    if (dateMissing)
      env.context.logger.warn(
        { docId, targetId: o.targetId, field: dateMissing.field, value: dateMissing.value },
        `concur: the posted record has no date in ${dateMissing.field}; its posting confirmation carries today's date`,
      );
    return { docId, overallPostingStatusCode: 'success', postingDocs: [doc], systemMessages: [] };
  }
  const text = (o.message ?? 'The ERP rejected the posting').replace(/\s+/g, ' ').trim();
  return {
    docId,
    overallPostingStatusCode: 'error',
    postingDocs: [],
    systemMessages: [
      {
        concurTransactionLineItemId: '',
        messageId: 'SLUICE',
        messageLanguage: 'EN',
        messageShortText: text.slice(0, 120),
        messageLongText: text.slice(0, MESSAGE_LIMIT),
      },
    ],
  };
}

export async function confirmPostings(
  env: ResourceEnv,
  s: ConfirmSettings,
  outcomes: ConfirmOutcome[],
): Promise<string[]> {
  const log = env.context.logger;
  const final = outcomes.filter((o) => o.status !== 'deferred');
  const done: string[] = [];
  const send = async (items: Json[]): Promise<ConfirmResult[]> => {
    const res = await env.client.request<ConfirmResult[]>({
      method: 'POST',
      path: `${fisPath(s.docType)}/postingconfirmations`,
      json: { systemId: s.systemId, postingConfirmations: items },
      family: 'fis',
      op: 'POST fis posting confirmations',
      idempotent: true,
    });
    return Array.isArray(res.body) ? res.body : [];
  };
  for (let i = 0; i < final.length; i += CHUNK) {
    const chunk = final.slice(i, i + CHUNK).map((o) => confirmation(env, o, s));
    let results = await send(chunk);
    const unacked = results
      .filter((r) => r.code === 111 || r.postingConfirmationResult === 'NOT_YET_ACKNOWLEDGED')
      .map((r) => String(r.docId));
    if (unacked.length > 0) {
      await env.client.request({
        method: 'POST',
        path: `${fisPath(s.docType)}/acknowledgements`,
        json: { systemId: s.systemId, ids: unacked },
        family: 'fis',
        op: 'POST fis acknowledgements',
        idempotent: true,
      });
      const retried = await send(chunk.filter((c) => unacked.includes(String(c.docId))));
      results = [...results.filter((r) => !unacked.includes(String(r.docId))), ...retried];
    }
    for (const r of results) {
      const id = String(r.docId);
      if (r.postingConfirmationResult === 'SUCCESS' || r.code === 0 || r.code === 113) done.push(id);
      else if (r.code === 112 || r.postingConfirmationResult === 'WAS_RECALLED') {
        log.error(
          { docId: id, reason: r.errorMessage },
          'concur: the report was recalled after it was posted; reverse the ERP posting',
        );
        done.push(id);
      } else if (r.code === 116 || r.postingConfirmationResult === 'DOCUMENT_NOT_FOUND') {
        log.error({ docId: id }, 'concur: FIS document not found while confirming its posting');
        done.push(id);
      } else
        log.warn(
          { docId: id, code: r.code, result: r.postingConfirmationResult, reason: r.errorMessage },
          'concur: posting confirmation not accepted; it is sent again next run',
        );
    }
  }
  return done;
}
