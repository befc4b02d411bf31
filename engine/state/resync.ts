/**
 * Re-sync requests (`sluice resync`): which records the next run of a pipeline processes again —
 * chosen source keys, every record in attention, or every record — stored until a run that
 * applied them closes them (in the same transaction as its last commit).
 */
import type { Knex } from 'knex';

const TABLE = 'sluice_resync';
const CHUNK = 400;

export const RESYNC_SCOPES = ['key', 'failed', 'all'] as const;
export type ResyncScope = (typeof RESYNC_SCOPES)[number];
/** done: a run processed it; not-found: neither the source nor a stored record had the key. */
export const RESYNC_OUTCOMES = ['done', 'not-found'] as const;
export type ResyncOutcome = (typeof RESYNC_OUTCOMES)[number];

export interface ResyncRequest {
  id: number;
  pipeline: string;
  scope: ResyncScope;
  sourceKey: string | null;
  status: 'pending' | 'closed';
  requestedAt: string;
  requestedBy: string;
  runId: string | null;
  doneAt: string | null;
  outcome: ResyncOutcome | null;
}

interface Row {
  id: number | string;
  pipeline: string;
  scope: ResyncScope;
  source_key: string | null;
  status: 'pending' | 'closed';
  requested_at: string;
  requested_by: string;
  run_id: string | null;
  done_at: string | null;
  outcome: ResyncOutcome | null;
}

function fromRow(r: Row): ResyncRequest {
  return {
    id: Number(r.id),
    pipeline: r.pipeline,
    scope: r.scope,
    sourceKey: r.source_key,
    status: r.status,
    requestedAt: r.requested_at,
    requestedBy: r.requested_by,
    runId: r.run_id,
    doneAt: r.done_at,
    outcome: r.outcome,
  };
}

export type ResyncAsk = { scope: 'key'; keys: readonly string[] } | { scope: 'failed' | 'all' };

/** Stores the request (a key already pending is not stored twice); returns the pending requests it covers. */
export async function resyncRequest(
  knex: Knex,
  pipeline: string,
  ask: ResyncAsk,
  by: string,
  at: string,
): Promise<ResyncRequest[]> {
  return knex.transaction(async (trx) => {
    const pending = (await trx(TABLE).where({ pipeline, status: 'pending', scope: ask.scope })) as Row[];
    const rows =
      ask.scope === 'key'
        ? [...new Set(ask.keys)]
            .filter((k) => !pending.some((p) => p.source_key === k))
            .map((k) => ({ source_key: k as string | null }))
        : pending.length > 0
          ? []
          : [{ source_key: null }];
    for (let i = 0; i < rows.length; i += CHUNK)
      await trx(TABLE).insert(
        rows.slice(i, i + CHUNK).map((r) => ({
          pipeline,
          scope: ask.scope,
          source_key: r.source_key,
          status: 'pending',
          requested_at: at,
          requested_by: by.slice(0, 128),
        })),
      );
    let q = trx(TABLE).where({ pipeline, status: 'pending', scope: ask.scope });
    if (ask.scope === 'key') q = q.whereIn('source_key', [...new Set(ask.keys)].slice(0, 10_000));
    return ((await q.orderBy('id')) as Row[]).map(fromRow);
  });
}

export async function resyncPending(knex: Knex, pipeline: string): Promise<ResyncRequest[]> {
  return ((await knex(TABLE).where({ pipeline, status: 'pending' }).orderBy('id')) as Row[]).map(fromRow);
}

export async function resyncList(knex: Knex, pipeline: string, limit = 100): Promise<ResyncRequest[]> {
  return ((await knex(TABLE).where({ pipeline }).orderBy('id', 'desc').limit(limit)) as Row[]).map(fromRow);
}

/** Closes requests a run processed (inside that run's commit). */
export async function resyncClose(
  trx: Knex,
  closed: readonly { id: number; outcome: ResyncOutcome }[],
  runId: string,
  at: string,
): Promise<void> {
  for (const outcome of ['done', 'not-found'] as const) {
    const ids = closed.filter((c) => c.outcome === outcome).map((c) => c.id);
    for (let i = 0; i < ids.length; i += CHUNK)
      await trx(TABLE)
        .whereIn('id', ids.slice(i, i + CHUNK))
        .where({ status: 'pending' })
        .update({ status: 'closed', outcome, run_id: runId, done_at: at });
  }
}
