/**
 * Writes to a List v4 list through the bulk API: creates in `POST .../bulk` (parents first),
 * updates and deletes in `PATCH .../bulk`, at most 250 parts a call. A 206 (or an all-failed 400)
 * is mapped back to per-record outcomes through the `listItem` each error echoes. Creating a code
 * that exists as a deleted item reactivates it instead.
 */
import type { WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { ConnectorError, RecordError, asSluiceError, type SluiceError } from '../../../engine/errors.js';
import type { ConcurClient } from '../client.js';
import { deriveCodes, listNameProblems, type ListItemCodes } from './list-codes.js';

type Json = Record<string, unknown>;

export const LIST_BULK_LIMIT = 250;

interface Part {
  key: string;
  /** Long code the part addresses. */
  code: string;
  level: number;
  body: Json;
  /** Value to reactivate with, for creates. */
  value?: string;
}

interface BulkBody {
  status?: string;
  errors?: { id?: string; message?: string; listItem?: Json }[];
}

const BULK_OK = [200, 201];

function partCode(listItem: Json | undefined): string | undefined {
  if (!listItem) return undefined;
  if (typeof listItem.code === 'string') return listItem.code;
  if (typeof listItem.shortCode !== 'string') return undefined;
  return typeof listItem.parentCode === 'string' && listItem.parentCode !== ''
    ? `${listItem.parentCode}-${listItem.shortCode}`
    : listItem.shortCode;
}

async function sendBulk(
  client: ConcurClient,
  listId: string,
  method: 'POST' | 'PATCH',
  parts: Part[],
): Promise<Map<Part, SluiceError | undefined>> {
  const out = new Map<Part, SluiceError | undefined>();
  for (let i = 0; i < parts.length; i += LIST_BULK_LIMIT) {
    const chunk = parts.slice(i, i + LIST_BULK_LIMIT);
    try {
      const res = await client.request<BulkBody>({
        method,
        path: `/list/v4/lists/${encodeURIComponent(listId)}/bulk`,
        json: { requests: chunk.map((p) => p.body) },
        family: 'list',
        op: `${method} list items bulk`,
        accept: [206, 400],
        idempotent: method === 'PATCH',
      });
      if (res.status === 400 && !res.body?.status) {
        const err = new ConnectorError(
          'CONCUR_BULK_REJECTED',
          `${method} list items bulk: HTTP 400 - ${JSON.stringify(res.body).slice(0, 300)}`,
          { status: 400 },
        );
        for (const p of chunk) out.set(p, err);
        continue;
      }
      const errors = BULK_OK.includes(res.status) ? [] : (res.body?.errors ?? []);
      const pending = new Set(chunk);
      let ambiguous = false;
      for (const e of errors) {
        const code = partCode(e.listItem);
        const part = [...pending].find((p) => p.code === code);
        if (!part) {
          ambiguous = true;
          continue;
        }
        pending.delete(part);
        out.set(
          part,
          new ConnectorError('CONCUR_LIST_ITEM_REJECTED', `${e.id ?? 'error'}: ${e.message ?? 'rejected'}`, {
            ...(e.id && { remoteCode: e.id }),
            retryable: e.id === 'item.operation.timeout',
            recordKey: part.key,
            status: res.status,
          }),
        );
      }
      for (const p of pending) {
        out.set(
          p,
          ambiguous
            ? new ConnectorError('CONCUR_BULK_AMBIGUOUS', 'the bulk response did not say which parts failed', {
                retryable: true,
                recordKey: p.key,
              })
            : undefined,
        );
      }
    } catch (raw) {
      const err = asSluiceError(raw);
      for (const p of chunk) out.set(p, err);
    }
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
        error: new RecordError('CONCUR_LIST_ITEM_INVALID', all.join('; '), { recordKey: op.key }),
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
