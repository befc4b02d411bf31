/**
 * Writes to a List v4 list through the bulk API: creates in `POST .../bulk` (parents first),
 * updates and deletes in `PATCH .../bulk`, at most 250 parts a call. A 206 (or an all-failed 400)
 * is mapped back to per-record outcomes through the `listItem` each error echoes. Creating a code
 * that exists as a deleted item reactivates it instead.
 *
 * Each failure says whether the part may have been applied: a refused request or a part's own
 * validation error applied nothing; an answer that cannot be read, or that reports failures it
 * does not attribute to parts, leaves the parts without their own error in doubt (`unknown`).
 */
import type { WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { ConnectorError, RecordError, type SluiceError } from '../../../engine/errors.js';
import type { HttpResponse } from '../../../engine/runtime/http.js';
import type { ConcurClient } from '../client.js';
import { CONCUR_ERRORS, describeBody, isDeadlock } from '../errors.js';
import { classifiedAfterSend } from '../write-outcome.js';
import { deriveCodes, listNameProblems, type ListItemCodes } from './list-codes.js';
import { LIST_BULK_LIMIT } from './write-limits.js';

type Json = Record<string, unknown>;

interface Part {
  key: string;
  /** Long code the part addresses. */
  code: string;
  level: number;
  body: Json;
  /** Value to reactivate with, for creates. */
  value?: string;
}

interface BulkError {
  id?: string;
  message?: string;
  listItem?: Json;
}

interface BulkBody {
  status?: string;
  recordsSucceeded?: number;
  recordsFailed?: number;
  errors?: BulkError[];
}

type Results = Map<Part, SluiceError | undefined>;

function partCode(listItem: Json | undefined): string | undefined {
  if (!listItem) return undefined;
  if (typeof listItem.code === 'string') return listItem.code;
  if (typeof listItem.shortCode !== 'string') return undefined;
  return typeof listItem.parentCode === 'string' && listItem.parentCode !== ''
    ? `${listItem.parentCode}-${listItem.shortCode}`
    : listItem.shortCode;
}

/**
 * One part's error. Per-part errors are validation answers (the part was refused, nothing of it was
 * stored), except `item.operation.timeout`, which may still have committed.
 *
 * Item codes are unique per list: a second send of an in-doubt create answers `item.duplicate.code`
 * (or `item.duplicate.code.deleted` once the item was deactivated) and creates nothing, so that
 * answer is `not-applied` for the request that got it. It is no proof that the first send stored
 * this run's value, and nothing here relies on it: the engine settles an in-doubt create by lookup.
 */
function partError(e: BulkError, part: Part, status: number): SluiceError {
  const maybe = e.id === 'item.operation.timeout';
  return new ConnectorError(CONCUR_ERRORS.listItemRejected, `${e.id ?? 'error'}: ${e.message ?? 'rejected'}`, {
    ...(e.id && { remoteCode: e.id }),
    retryable: maybe,
    recordKey: part.key,
    status,
    writeOutcome: maybe ? 'unknown' : 'not-applied',
  });
}

function isBody(v: unknown): v is BulkBody {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Per-part results of one bulk answer. */
function mapAnswer(method: string, chunk: Part[], res: HttpResponse<unknown>): Results {
  const out: Results = new Map();
  const body = isBody(res.body) ? res.body : undefined;
  const all = (error: (p: Part) => SluiceError | undefined): Results => new Map(chunk.map((p) => [p, error(p)]));
  if (res.status === 400 && !body?.status) {
    // The request as a whole was refused (validation, a deleted list): no part was processed.
    const { message, remoteCode } = describeBody('list', res.body);
    const err = new ConnectorError(
      CONCUR_ERRORS.bulkRejected,
      `${method} list items bulk: HTTP 400 - ${message ?? res.rawBody.slice(0, 300)}`,
      {
        status: 400,
        ...(remoteCode && { remoteCode }),
        retryable: isDeadlock(message),
        writeOutcome: 'not-applied',
      },
    );
    return all(() => err);
  }
  if (res.status !== 206 && res.status !== 400 && (body?.status === undefined || body.status === 'SUCCESS'))
    return all(() => undefined);
  const maybe = (p: Part, why: string): SluiceError =>
    new ConnectorError(CONCUR_ERRORS.bulkAmbiguous, `${method} list items bulk: HTTP ${res.status} - ${why}`, {
      retryable: true,
      recordKey: p.key,
      status: res.status,
      writeOutcome: 'unknown',
    });
  if (!body || !Array.isArray(body.errors))
    return all((p) => maybe(p, 'the answer does not say which parts failed; this one may have been applied'));
  const pending = new Set(chunk);
  let unmatched = 0;
  for (const e of body.errors) {
    const code = partCode(e.listItem);
    const part = [...pending].find((p) => p.code === code);
    if (!part) {
      unmatched += 1;
      continue;
    }
    pending.delete(part);
    out.set(part, partError(e, part, res.status));
  }
  const matched = chunk.length - pending.size;
  const nothingApplied = res.status === 400 || body.status === 'FAILURE' || body.recordsSucceeded === 0;
  const ambiguous = unmatched > 0 || (typeof body.recordsFailed === 'number' && body.recordsFailed !== matched);
  for (const p of pending) {
    if (nothingApplied)
      out.set(
        p,
        new ConnectorError(CONCUR_ERRORS.bulkRejected, `${method} list items bulk: every part failed`, {
          recordKey: p.key,
          status: res.status,
          writeOutcome: 'not-applied',
        }),
      );
    else
      out.set(
        p,
        ambiguous
          ? maybe(p, 'the answer reports failures it does not attribute; this part may have failed')
          : undefined,
      );
  }
  return out;
}

async function sendBulk(
  client: ConcurClient,
  listId: string,
  method: 'POST' | 'PATCH',
  parts: Part[],
): Promise<Results> {
  const out: Results = new Map();
  for (let i = 0; i < parts.length; i += LIST_BULK_LIMIT) {
    const chunk = parts.slice(i, i + LIST_BULK_LIMIT);
    let res: HttpResponse<unknown>;
    try {
      res = await client.request<unknown>({
        method,
        path: `/list/v4/lists/${encodeURIComponent(listId)}/bulk`,
        json: { requests: chunk.map((p) => p.body) },
        family: 'list',
        op: `${method} list items bulk`,
        accept: [206, 400],
        idempotent: method === 'PATCH',
      });
    } catch (raw) {
      const err = classifiedAfterSend(raw);
      for (const p of chunk) out.set(p, err);
      continue;
    }
    for (const [p, err] of mapAnswer(method, chunk, res)) out.set(p, err);
  }
  return out;
}

export interface ListWriteResult {
  outcomes: WriteOutcome[];
  /** Long codes now active with their value, and long codes now deleted. */
  written: { code: string; codes: ListItemCodes | undefined; value?: string; deleted: boolean }[];
}

export async function writeListItems(client: ConcurClient, listId: string, ops: WriteOp[]): Promise<ListWriteResult> {
  const outcomes: WriteOutcome[] = [];
  const written: ListWriteResult['written'] = [];
  const creates: Part[] = [];
  const patches: Part[] = [];
  const codesOf = new Map<Part, ListItemCodes | undefined>();
  for (const op of ops) {
    if (op.op === 'delete') {
      const code = String(op.before.code ?? op.key);
      const part: Part = { key: op.key, code, level: code.split('-').length, body: { code, deleted: true } };
      patches.push(part);
      codesOf.set(part, undefined);
      continue;
    }
    const { codes, problems } = deriveCodes(op.record);
    const all = [...problems, ...listNameProblems(op.record.value)];
    if (!codes || all.length > 0) {
      outcomes.push({
        key: op.key,
        ok: false,
        error: new RecordError(CONCUR_ERRORS.listItemInvalid, all.join('; '), {
          recordKey: op.key,
          writeOutcome: 'not-applied',
        }),
      });
      continue;
    }
    const value = String(op.record.value);
    if (op.op === 'create') {
      const part: Part = {
        key: op.key,
        code: codes.code,
        level: codes.level,
        value,
        body: { shortCode: codes.shortCode, value, ...(codes.parentCode && { parentCode: codes.parentCode }) },
      };
      creates.push(part);
      codesOf.set(part, codes);
    } else {
      const reactivate =
        op.record.isDeleted === false || (op.before.isDeleted === true && op.record.isDeleted !== true);
      const part: Part = {
        key: op.key,
        code: codes.code,
        level: codes.level,
        value,
        body: {
          code: codes.code,
          value,
          ...(reactivate && { deleted: false }),
          ...(op.record.isDeleted === true && { deleted: true }),
        },
      };
      patches.push(part);
      codesOf.set(part, codes);
    }
  }
  creates.sort((a, b) => a.level - b.level);
  const results = new Map([
    ...(await sendBulk(client, listId, 'POST', creates)),
    ...(await sendBulk(client, listId, 'PATCH', patches)),
  ]);
  const revive = creates.filter((p) => results.get(p)?.remoteCode === 'item.duplicate.code.deleted');
  if (revive.length > 0) {
    const copies = new Map<Part, Part>(
      revive.map((p): [Part, Part] => [{ ...p, body: { code: p.code, value: p.value, deleted: false } }, p]),
    );
    const again = await sendBulk(client, listId, 'PATCH', [...copies.keys()]);
    for (const [copy, error] of again) results.set(copies.get(copy)!, error);
  }
  for (const [part, error] of results) {
    if (error) outcomes.push({ key: part.key, ok: false, error });
    else {
      outcomes.push({ key: part.key, ok: true, id: part.code });
      written.push({
        code: part.code,
        codes: codesOf.get(part),
        ...(part.value !== undefined && { value: part.value }),
        deleted: part.body.deleted === true,
      });
    }
  }
  return { outcomes, written };
}
