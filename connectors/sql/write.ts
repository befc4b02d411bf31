/**
 * The statements behind SqlTarget.write. A batch is one statement in a transaction of its own;
 * when it fails with an error a retry cannot fix (a constraint, a bad value), the rows are written
 * one at a time so only the bad ones fail. A transient failure (lost connection, deadlock, lock
 * timeout), or one that may have been committed, fails the whole batch, and every later statement
 * of the same write call, without spending more calls (a batch in doubt is never sent again here).
 */
import type { DataRecord, WriteOp, WriteOutcome } from '../../engine/connector/types.js';
import type { SluiceError } from '../../engine/errors.js';
import type { SqlClient } from './client.js';
import { applyWhere, tableRef, type TableOptions } from './relation.js';

export interface Pending {
  op: WriteOp;
  row: DataRecord;
}

export interface WriteContext {
  client: SqlClient;
  options: TableOptions;
  keyField: string;
  /** Set by the first transient failure of the write call; later statements are not attempted. */
  transient?: SluiceError;
}

/** SQLite allows 32766 bound values per statement; stay well below. */
const MAX_BINDINGS = 30_000;

type Result = [WriteOp, WriteOutcome];

const ok = (p: Pending): Result => [p.op, { key: p.op.key, ok: true, id: p.op.key }];
const failed = (p: Pending, error: SluiceError): Result => [p.op, { key: p.op.key, ok: false, error }];

function isTransient(error: SluiceError): boolean {
  return error.retryable || error.code === 'AUTH_FAILED' || error.writeOutcome === 'unknown';
}

/** Runs `statement` for the batch; on a failure that is not transient, for each row alone. */
async function withFallback(
  ctx: WriteContext,
  batch: Pending[],
  statement: (rows: Pending[]) => Promise<unknown>,
): Promise<Result[]> {
  if (ctx.transient) return batch.map((p) => failed(p, ctx.transient!));
  try {
    await statement(batch);
    return batch.map(ok);
  } catch (err) {
    const error = err as SluiceError;
    if (isTransient(error)) ctx.transient = error;
    if (batch.length === 1 || isTransient(error)) return batch.map((p) => failed(p, error));
  }
  const results: Result[] = [];
  for (const p of batch) {
    if (ctx.transient) {
      results.push(failed(p, ctx.transient));
      continue;
    }
    try {
      await statement([p]);
      results.push(ok(p));
    } catch (err) {
      const error = err as SluiceError;
      if (isTransient(error)) ctx.transient = error;
      results.push(failed(p, error));
    }
  }
  return results;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function writeUpserts(ctx: WriteContext, pending: Pending[]): Promise<Result[]> {
  // One statement per column set: a multi-row insert gives missing columns their default, and the
  // merge would then overwrite stored values with it.
  const groups = new Map<string, Pending[]>();
  for (const p of pending) {
    const signature = Object.keys(p.row).sort().join('\0');
    const group = groups.get(signature);
    if (group) group.push(p);
    else groups.set(signature, [p]);
  }
  const results: Result[] = [];
  for (const group of groups.values()) {
    const width = Object.keys(group[0]!.row).length;
    for (const batch of chunks(group, Math.max(1, Math.floor(MAX_BINDINGS / Math.max(1, width))))) {
      const statement = (rows: Pending[]): Promise<unknown> =>
        ctx.client.transact(
          `upsert into ${ctx.options.table}`,
          (knex) =>
            tableRef(knex, ctx.options)
              .insert(rows.map((r) => r.row))
              .onConflict(ctx.keyField)
              .merge(),
          rows.length === 1 ? rows[0]!.op.key : undefined,
        );
      results.push(...(await withFallback(ctx, batch, statement)));
    }
  }
  return results;
}

export async function writeDeletes(
  ctx: WriteContext,
  pending: Pending[],
  action: 'delete' | 'deactivate',
): Promise<Result[]> {
  const results: Result[] = [];
  for (const batch of chunks(pending, 1000)) {
    const statement = (rows: Pending[]): Promise<unknown> =>
      ctx.client.transact(
        `${action} in ${ctx.options.table}`,
        (knex) => {
          const q = applyWhere(tableRef(knex, ctx.options), ctx.options.where).whereIn(
            ctx.keyField,
            rows.map((r) => r.row[ctx.keyField] as string),
          );
          const d = ctx.options.deactivate;
          return action === 'delete' || !d ? q.delete() : q.update({ [d.column]: d.inactiveValue });
        },
        rows.length === 1 ? rows[0]!.op.key : undefined,
      );
    results.push(...(await withFallback(ctx, batch, statement)));
  }
  return results;
}
