/**
 * One write per request: create (POST/PUT), update (PUT/PATCH/POST, the record or its changed
 * fields) and delete, at URL templates over the record. A failure is that record's outcome; a
 * write that may have reached the API says `unknown`, so the engine treats it as in doubt.
 */
import type { DataRecord, WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { AuthError, ConfigError, asSluiceError } from '../../../engine/errors.js';
import type { HttpResponse } from '../../../engine/runtime/http.js';
import type { ApiClient } from '../client.js';
import { resolveUrl } from '../config.js';
import { HTTP_ERRORS } from '../errors.js';
import type { Compiled } from '../options.js';
import { expand } from '../template.js';

function collection(c: Compiled): string {
  return c.options.path.replace(/\/+$/, '');
}

/** The id of a created record: the `create.id` expression, the body's idField, or the Location header's last segment. */
export async function createdId(c: Compiled, res: HttpResponse): Promise<string | undefined> {
  const v = c.createId
    ? await c.createId.evaluate(res.body)
    : res.body && typeof res.body === 'object'
      ? (res.body as DataRecord)[c.idField]
      : undefined;
  if (v !== undefined && v !== null && v !== '') return String(v as string);
  const location = res.headers.location;
  const loc = Array.isArray(location) ? location[0] : location;
  return loc
    ? decodeURIComponent(new URL(loc, 'http://x').pathname.split('/').filter(Boolean).pop() ?? '') || undefined
    : undefined;
}

async function send(client: ApiClient, c: Compiled, op: WriteOp): Promise<string | undefined> {
  switch (op.op) {
    case 'create': {
      const method = c.options.create?.method ?? 'POST';
      const path = c.options.create?.path ?? c.options.path;
      const json = c.createBody ? await c.createBody.evaluate(op.record) : op.record;
      const res = await client.request({
        method,
        url: resolveUrl(client.config.baseUrl, expand(path, { key: op.key, record: op.record })),
        json,
        write: true,
        op: `${method} ${path}`,
      });
      return createdId(c, res);
    }
    case 'update': {
      const u = c.options.update ?? {};
      const method = u.method ?? 'PUT';
      const path = u.path ?? `${collection(c)}/{$id}`;
      const changed =
        u.send === 'changes'
          ? Object.fromEntries(
              [...new Set(op.changes.map((ch) => ch.path.split('.')[0]!))].map((f) => [f, op.record[f]]),
            )
          : op.record;
      const json = c.updateBody ? await c.updateBody.evaluate(changed) : changed;
      await client.request({
        method,
        url: resolveUrl(client.config.baseUrl, expand(path, { key: op.key, id: op.id, record: op.record })),
        json,
        write: true,
        op: `${method} ${path}`,
      });
      return op.id;
    }
    case 'delete': {
      const path = c.options.delete?.path ?? `${collection(c)}/{$id}`;
      if (op.action !== 'delete')
        throw new ConfigError(HTTP_ERRORS.config, `the http connector cannot ${op.action} records`);
      await client.request({
        method: 'DELETE',
        url: resolveUrl(client.config.baseUrl, expand(path, { key: op.key, id: op.id, record: op.before })),
        write: true,
        op: `DELETE ${path}`,
        accept: [404], // already gone
      });
      return op.id;
    }
  }
}

/** One op's outcome; credentials refused stop the whole write (every record would fail alike). */
export async function writeOne(client: ApiClient, c: Compiled, op: WriteOp): Promise<WriteOutcome> {
  try {
    const id = await send(client, c, op);
    return { key: op.key, ok: true, ...(id !== undefined && { id }) };
  } catch (raw) {
    if (raw instanceof AuthError) throw raw;
    return { key: op.key, ok: false, error: asSluiceError(raw) };
  }
}

/**
 * Runs the steps of one write call in order. Credentials refused before anything was written stop the
 * call (the engine stops the run); after some records were written, those keep their outcomes and
 * the rest fail with the same not-applied AuthError, so nothing written is reported as failed.
 */
export async function inOrder(
  ops: readonly WriteOp[],
  steps: readonly (() => Promise<WriteOutcome[]>)[],
): Promise<WriteOutcome[]> {
  const out: WriteOutcome[] = [];
  for (const step of steps) {
    try {
      out.push(...(await step()));
    } catch (raw) {
      if (!(raw instanceof AuthError) || out.length === 0) throw raw;
      const done = new Set(out.map((o) => o.key));
      for (const op of ops) if (!done.has(op.key)) out.push({ key: op.key, ok: false, error: raw });
      return out;
    }
  }
  return out;
}
