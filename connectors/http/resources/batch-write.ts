/**
 * Batched creates: up to `batch.maxItems` records in one request, one result per item (in the order
 * sent). A refused item is parked on its own, the others go on; a request whose outcome is unknown
 * (timeout after sending, 5xx) or whose answer does not say what happened to each item leaves every
 * item of it in doubt. Updates and deletes go one request per record.
 */
import type { DataRecord, WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { AuthError, ConnectorError, RecordError, asSluiceError } from '../../../engine/errors.js';
import type { ApiClient } from '../client.js';
import { resolveUrl } from '../config.js';
import { HTTP_ERRORS } from '../errors.js';
import { asArray, defaultItems } from '../expr.js';
import type { Compiled } from '../options.js';
import { inOrder, writeOne } from './write-one.js';

type Create = Extract<WriteOp, { op: 'create' }>;

function defaultOk(item: unknown): boolean {
  if (!item || typeof item !== 'object') return false;
  const r = item as Record<string, unknown>;
  if (r.error !== undefined && r.error !== null && r.error !== false) return false;
  return typeof r.status !== 'number' || r.status < 400;
}

function defaultError(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const r = item as Record<string, unknown>;
  const e = r.error;
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string')
    return (e as { message: string }).message;
  if (typeof e === 'string') return e;
  return typeof r.message === 'string' ? r.message : undefined;
}

async function outcomeOf(c: Compiled, op: Create, item: unknown): Promise<WriteOutcome> {
  const b = c.batch!;
  const ok = b.ok ? Boolean(await b.ok.evaluate(item)) : defaultOk(item);
  if (!ok) {
    const why = b.error ? await b.error.evaluate(item) : defaultError(item);
    const text = typeof why === 'string' ? why : why === undefined ? 'no reason given' : JSON.stringify(why);
    return {
      key: op.key,
      ok: false,
      error: new RecordError(HTTP_ERRORS.itemRejected, `the API refused this record in the batch: ${text}`, {
        recordKey: op.key,
        writeOutcome: 'not-applied',
      }),
    };
  }
  const raw = b.id ? await b.id.evaluate(item) : (item as DataRecord)[c.idField];
  return {
    key: op.key,
    ok: true,
    ...(raw !== undefined && raw !== null && raw !== '' && { id: String(raw as string) }),
  };
}

async function sendBatch(client: ApiClient, c: Compiled, ops: Create[]): Promise<WriteOutcome[]> {
  const cfg = c.options.batch!;
  const method = cfg.method ?? 'POST';
  const path = cfg.path ?? c.options.path;
  const records = ops.map((o) => o.record);
  try {
    const json = c.batch!.body ? await c.batch!.body.evaluate(records) : records;
    const res = await client.request({
      method,
      url: resolveUrl(client.config.baseUrl, path),
      json,
      write: true,
      op: `${method} ${path} (batch)`,
    });
    const items = c.batch!.results ? asArray(await c.batch!.results.evaluate(res.body)) : defaultItems(res.body);
    if (!items || items.length !== ops.length) {
      // Accepted, but the answer does not say which items were written: each is in doubt.
      const err = new ConnectorError(
        HTTP_ERRORS.itemMissing,
        `${method} ${path}: HTTP ${res.status} with ${items ? items.length : 'no'} item results for ${ops.length} records; set batch.results`,
        { retryable: true, writeOutcome: 'unknown' },
      );
      return ops.map((o) => ({ key: o.key, ok: false, error: err }));
    }
    return await Promise.all(ops.map((op, i) => outcomeOf(c, op, items[i])));
  } catch (raw) {
    if (raw instanceof AuthError) throw raw;
    const err = asSluiceError(raw);
    return ops.map((o) => ({ key: o.key, ok: false, error: err }));
  }
}

export function batchWriter(client: ApiClient): (c: Compiled) => (ops: WriteOp[]) => Promise<WriteOutcome[]> {
  return (c) => (ops) => {
    const size = c.options.batch?.maxItems ?? 100;
    const creates = ops.filter((o): o is Create => o.op === 'create');
    const steps: (() => Promise<WriteOutcome[]>)[] = [];
    for (let i = 0; i < creates.length; i += size) {
      const chunk = creates.slice(i, i + size);
      steps.push(() => sendBatch(client, c, chunk));
    }
    for (const op of ops) if (op.op !== 'create') steps.push(async () => [await writeOne(client, c, op)]);
    return inOrder(ops, steps);
  };
}
