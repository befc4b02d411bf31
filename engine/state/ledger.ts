/**
 * The ledger: for each (pipeline, dedupe key) what the engine wrote to the target, its target id, the
 * hash of the payload it sent and whether the engine created the record (`origin`), which is what
 * mirror deletes are limited to.
 */
import type { Knex } from 'knex';
import { isSqlite, withSqlite } from './sqlite-fast.js';

const TABLE = 'sluice_ledger';
const CHUNK = 200;

/** `reversing`: a correction's reversal of the posted record `target_id` was sent; `reversed`: it is done. */
export const LEDGER_STATUSES = ['pending', 'written', 'deactivated', 'deleted', 'reversing', 'reversed'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];
export const LEDGER_ORIGINS = ['created', 'adopted'] as const;
export type LedgerOrigin = (typeof LEDGER_ORIGINS)[number];

export interface LedgerEntry {
  key: string;
  targetId: string | null;
  payloadHash: string | null;
  status: LedgerStatus;
  op: string;
  origin: LedgerOrigin;
  runId: string;
  createdAt: string;
  updatedAt: string;
  /** For `pending` creates: when the request was sent, and when the target can no longer commit it. */
  sentAt: string | null;
  settleAfter: string | null;
  /** The posted record this one replaced (a correction), and the reversal's id. */
  supersedes: string | null;
  reversalId: string | null;
  /** The source record it came from, its fingerprint, how many target records it made, and the target state seen. */
  sourceKey: string | null;
  sourceFp: string | null;
  nOutputs: number | null;
  targetHash: string | null;
}

export interface LedgerWrite {
  key: string;
  targetId: string | null;
  payloadHash: string | null;
  status: LedgerStatus;
  op: string;
  /** Only used when the row is new; an existing row keeps its origin. */
  origin: LedgerOrigin;
  /** For `pending` rows: when the request is sent, and when the target can no longer commit it. */
  sentAt?: string;
  settleAfter?: string;
  /** A correction: the posted record replaced, and the reversal's id (kept once set unless given). */
  supersedes?: string;
  reversalId?: string;
  /**
   * The source record the write came from; kept from the existing row when not given. Routed
   * pipelines use it to recognise a record posted under another connection (plan/route-change.ts).
   */
  sourceKey?: string;
  /** Set when the write completes an unchanged-source fingerprint (see plan/fingerprint.ts); cleared otherwise. */
  fingerprint?: { sourceKey: string; fp: string; outputs: number; targetHash: string | null };
}

interface Row {
  dedupe_key: string;
  target_id: string | null;
  payload_hash: string | null;
  status: LedgerStatus;
  op: string;
  origin: LedgerOrigin;
  run_id: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  settle_after: string | null;
  supersedes: string | null;
  reversal_id: string | null;
  source_key: string | null;
  source_fp: string | null;
  n_outputs: number | null;
  target_hash: string | null;
}

function fromRow(r: Row): LedgerEntry {
  return {
    key: r.dedupe_key,
    targetId: r.target_id,
    payloadHash: r.payload_hash,
    status: r.status,
    op: r.op,
    origin: r.origin,
    runId: r.run_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at ?? null,
    settleAfter: r.settle_after ?? null,
    supersedes: r.supersedes ?? null,
    reversalId: r.reversal_id ?? null,
    sourceKey: r.source_key ?? null,
    sourceFp: r.source_fp ?? null,
    nOutputs: r.n_outputs === null || r.n_outputs === undefined ? null : Number(r.n_outputs),
    targetHash: r.target_hash ?? null,
  };
}

const COLUMNS = [
  'pipeline',
  'dedupe_key',
  'target_id',
  'payload_hash',
  'status',
  'op',
  'origin',
  'run_id',
  'created_at',
  'updated_at',
  'sent_at',
  'settle_after',
  'supersedes',
  'reversal_id',
  'source_key',
  'source_fp',
  'n_outputs',
  'target_hash',
] as const;
const MERGED = [
  'target_id',
  'payload_hash',
  'status',
  'op',
  'run_id',
  'updated_at',
  'sent_at',
  'settle_after',
  'source_fp',
  'n_outputs',
  'target_hash',
] as const;
/** Kept from the existing row when a write does not set them (a correction's links, the source record). */
const KEPT = ['supersedes', 'reversal_id', 'source_key'] as const;

export async function ledgerGet(
  knex: Knex,
  pipeline: string,
  keys: readonly string[],
): Promise<Map<string, LedgerEntry>> {
  const out = new Map<string, LedgerEntry>();
  if (isSqlite(knex)) {
    await withSqlite(knex, (prepare) => {
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK);
        const sql = `SELECT * FROM ${TABLE} WHERE pipeline = ? AND dedupe_key IN (${chunk.map(() => '?').join(',')})`;
        for (const r of prepare(sql).all(pipeline, ...chunk) as Row[]) out.set(r.dedupe_key, fromRow(r));
      }
    });
    return out;
  }
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = (await knex(TABLE)
      .where({ pipeline })
      .whereIn('dedupe_key', keys.slice(i, i + CHUNK))) as Row[];
    for (const r of rows) out.set(r.dedupe_key, fromRow(r));
  }
  return out;
}

/**
 * Ledger entries by the source record they came from, for unchanged-source skipping: only those
 * whose last write recorded a fingerprint (a row keeps its source key after a write without one, e.g.
 * a mirror delete, but that write cleared its fingerprint: it takes no part in skipping).
 */
export async function ledgerBySource(
  knex: Knex,
  pipeline: string,
  sourceKeys: readonly string[],
): Promise<Map<string, LedgerEntry[]>> {
  const out = new Map<string, LedgerEntry[]>();
  const add = (r: Row): void => {
    const e = fromRow(r);
    const list = out.get(e.sourceKey!) ?? [];
    list.push(e);
    out.set(e.sourceKey!, list);
  };
  if (isSqlite(knex)) {
    await withSqlite(knex, (prepare) => {
      for (let i = 0; i < sourceKeys.length; i += CHUNK) {
        const chunk = sourceKeys.slice(i, i + CHUNK);
        const sql = `SELECT * FROM ${TABLE} WHERE pipeline = ? AND source_fp IS NOT NULL AND source_key IN (${chunk.map(() => '?').join(',')})`;
        for (const r of prepare(sql).all(pipeline, ...chunk) as Row[]) add(r);
      }
    });
    return out;
  }
  for (let i = 0; i < sourceKeys.length; i += CHUNK) {
    const rows = (await knex(TABLE)
      .where({ pipeline })
      .whereNotNull('source_fp')
      .whereIn('source_key', sourceKeys.slice(i, i + CHUNK))) as Row[];
    for (const r of rows) add(r);
  }
  return out;
}

/** Entries in key order, paged (mirror mode walks every record this pipeline created). */
export async function* ledgerScan(
  knex: Knex,
  pipeline: string,
  filter: { origin?: LedgerOrigin | LedgerOrigin[]; statuses?: LedgerStatus[] } = {},
): AsyncIterable<LedgerEntry[]> {
  let after = '';
  for (;;) {
    let q = knex(TABLE).where({ pipeline }).andWhere('dedupe_key', '>', after);
    if (Array.isArray(filter.origin)) q = q.whereIn('origin', filter.origin);
    else if (filter.origin) q = q.andWhere({ origin: filter.origin });
    if (filter.statuses) q = q.whereIn('status', filter.statuses);
    const rows = (await q.orderBy('dedupe_key').limit(1000)) as Row[];
    if (rows.length === 0) return;
    yield rows.map(fromRow);
    after = rows[rows.length - 1]!.dedupe_key;
  }
}

export async function ledgerWrite(
  trx: Knex,
  pipeline: string,
  runId: string,
  writes: readonly LedgerWrite[],
  now: string,
): Promise<void> {
  if (isSqlite(trx)) {
    await withSqlite(trx, (prepare) => {
      // One prepared single-row statement, run per row inside the caller's transaction: cheaper on
      // SQLite than binding thousands of parameters of a multi-row INSERT.
      const stmt = prepare(
        `INSERT INTO ${TABLE} (${COLUMNS.join(',')}) VALUES (${COLUMNS.map(() => '?').join(',')}) ` +
          `ON CONFLICT (pipeline, dedupe_key) DO UPDATE SET ${[
            ...MERGED.map((c) => `${c} = excluded.${c}`),
            ...KEPT.map((c) => `${c} = COALESCE(excluded.${c}, ${TABLE}.${c})`),
          ].join(', ')}`,
      );
      for (const w of writes)
        stmt.run(
          pipeline,
          w.key,
          w.targetId,
          w.payloadHash,
          w.status,
          w.op,
          w.origin,
          runId,
          now,
          now,
          w.sentAt ?? null,
          w.settleAfter ?? null,
          w.supersedes ?? null,
          w.reversalId ?? null,
          w.fingerprint?.sourceKey ?? w.sourceKey ?? null,
          w.fingerprint?.fp ?? null,
          w.fingerprint?.outputs ?? null,
          w.fingerprint?.targetHash ?? null,
        );
    });
    return;
  }
  for (let i = 0; i < writes.length; i += CHUNK) {
    const rows = writes.slice(i, i + CHUNK).map((w) => ({
      pipeline,
      dedupe_key: w.key,
      target_id: w.targetId,
      payload_hash: w.payloadHash,
      status: w.status,
      op: w.op,
      origin: w.origin,
      run_id: runId,
      created_at: now,
      updated_at: now,
      sent_at: w.sentAt ?? null,
      settle_after: w.settleAfter ?? null,
      supersedes: w.supersedes ?? null,
      reversal_id: w.reversalId ?? null,
      source_key: w.fingerprint?.sourceKey ?? w.sourceKey ?? null,
      source_fp: w.fingerprint?.fp ?? null,
      n_outputs: w.fingerprint?.outputs ?? null,
      target_hash: w.fingerprint?.targetHash ?? null,
    }));
    const merge: Record<string, unknown> = Object.fromEntries(MERGED.map((c) => [c, trx.raw('VALUES(??)', [c])]));
    for (const c of KEPT) merge[c] = trx.raw('COALESCE(VALUES(??), ??)', [c, c]);
    await trx(TABLE).insert(rows).onConflict(['pipeline', 'dedupe_key']).merge(merge);
  }
}

/** Removes `pending` rows whose create is now known not to have been applied (refused, or not found after settling). */
export async function ledgerDropPending(trx: Knex, pipeline: string, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += CHUNK) {
    await trx(TABLE)
      .where({ pipeline, status: 'pending' })
      .whereIn('dedupe_key', keys.slice(i, i + CHUNK))
      .delete();
  }
}

export async function ledgerCount(knex: Knex, pipeline: string): Promise<Record<string, number>> {
  const rows = (await knex(TABLE).where({ pipeline }).select('status').count({ n: '*' }).groupBy('status')) as {
    status: string;
    n: number | string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
