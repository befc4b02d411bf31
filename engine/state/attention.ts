/**
 * Attention: every record that could not be synced, with its reason, kept until a later run syncs it
 * (resolved automatically) or an operator asks for a re-sync. The source record is stored so a
 * re-sync does not depend on the source returning it again.
 */
import type { Knex } from 'knex';
import { reasonClassOf, type ReasonClass } from '../error-codes.js';

const TABLE = 'sluice_attention';
const CHUNK = 400;

export const ATTENTION_STAGES = [
  'read',
  'transform',
  'key',
  'duplicate',
  'plan',
  'locked',
  'check',
  'apply',
  'in-doubt',
  'confirm',
  'guard',
] as const;
export type AttentionStage = (typeof ATTENTION_STAGES)[number];
export const ATTENTION_STATUSES = ['open', 'resync', 'resolved'] as const;
export type AttentionStatus = (typeof ATTENTION_STATUSES)[number];

export interface AttentionWrite {
  sourceKey: string;
  dedupeKey?: string | undefined;
  stage: AttentionStage;
  code: string;
  message: string;
  /** The source record, so it can be re-synced (for a rejected source row: its location and raw text). */
  payload?: unknown;
  /** Why, in classes finance sorts by; derived from the code when absent. */
  reasonClass?: ReasonClass;
  /**
   * The target refused the record (its write, or while preparing it): the fingerprint of its source
   * record with everything its transform depends on (plan/unchanged.ts `recordFingerprint`).
   */
  sourceFp?: string | undefined;
}

export interface AttentionEntry extends AttentionWrite {
  id: number;
  reasonClass: ReasonClass;
  pipeline: string;
  status: AttentionStatus;
  /** The run that last parked it, and the one that first did. */
  runId: string;
  firstRunId: string;
  firstSeen: string;
  lastSeen: string;
  /** How many runs parked it (attempts). */
  occurrences: number;
  /**
   * A transient entry: from when the next run retries it; a target refusal (see `isTargetRefusal`):
   * from when a run sends it again although nothing changed on our side. Null when it waits for a
   * fix or a re-sync.
   */
  retryAfter: string | null;
  /** Set when an operator resolved it by hand (`sluice attention resolve`). */
  resolution: { by: string; at: string; reason: string } | null;
}

/**
 * Transient entries are retried by the next runs (from the source, or their stored record): at most
 * `maxAttempts` times, waiting `baseMs` after the first attempt and twice as long after each further
 * one (at most `maxMs`); in between, and after the last, a run holds the record even when the
 * source returns it (engine/run/resync-phase.ts). Then they wait for a fix or a re-sync like the others.
 */
export const PARKED_RETRY = { maxAttempts: 5, baseMs: 5 * 60_000, maxMs: 24 * 3_600_000 } as const;

/**
 * Refusals of these classes are not held: a transient one is retried by its own backoff, and refused
 * credentials (`auth`) or a configuration problem (`config`) are not about the record — a secret
 * rotated in the vault or a fix on the target's side changes nothing its fingerprint covers — so the
 * next run attempts the record again (the entry keeps its class and reason until then).
 */
export const UNHELD_REFUSAL_CLASSES: readonly ReasonClass[] = ['transient', 'auth', 'config'];

/**
 * A record the target refused about the record itself (a class not in `UNHELD_REFUSAL_CLASSES`) —
 * its write (stage `apply`) or while preparing it (stage `check`, with the fingerprint only such
 * refusals carry). While the fingerprint a run computes equals the stored one, the run holds the
 * record until `retryAfter` (the same doubling backoff as transient entries, never capped: the
 * target side may be fixed any time); a changed source record, pipeline, connection or lookup, or a
 * re-sync, sends it at once.
 */
export function isTargetRefusal(e: {
  stage: AttentionStage;
  reasonClass?: ReasonClass | undefined;
  code: string;
  sourceFp?: string | null | undefined;
}): boolean {
  const reasonClass = e.reasonClass ?? reasonClassOf(e.code);
  return (
    typeof e.sourceFp === 'string' &&
    !UNHELD_REFUSAL_CLASSES.includes(reasonClass) &&
    (e.stage === 'apply' || e.stage === 'check')
  );
}

export function retryAfterFor(attempts: number, now: string): string {
  const wait = Math.min(PARKED_RETRY.baseMs * 2 ** Math.max(0, attempts - 1), PARKED_RETRY.maxMs);
  return new Date(Date.parse(now) + wait).toISOString();
}

interface Row {
  id: number;
  pipeline: string;
  source_key: string;
  dedupe_key: string | null;
  stage: AttentionStage;
  code: string;
  message: string;
  payload: string | null;
  status: AttentionStatus;
  run_id: string;
  first_seen: string;
  last_seen: string;
  occurrences: number;
  reason_class: string | null;
  first_run_id: string | null;
  retry_after: string | null;
  source_fp: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

function fromRow(r: Row): AttentionEntry {
  return {
    id: Number(r.id),
    pipeline: r.pipeline,
    sourceKey: r.source_key,
    dedupeKey: r.dedupe_key ?? undefined,
    stage: r.stage,
    code: r.code,
    message: r.message,
    payload: r.payload === null ? undefined : (JSON.parse(r.payload) as unknown),
    status: r.status,
    runId: r.run_id,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    occurrences: Number(r.occurrences),
    reasonClass: (r.reason_class as ReasonClass | null) ?? reasonClassOf(r.code),
    firstRunId: r.first_run_id ?? r.run_id,
    retryAfter: r.retry_after ?? null,
    ...(r.source_fp !== null && r.source_fp !== undefined && { sourceFp: r.source_fp }),
    resolution:
      r.resolved_at && r.resolved_by ? { by: r.resolved_by, at: r.resolved_at, reason: r.resolution ?? '' } : null,
  };
}

export async function attentionWrite(
  trx: Knex,
  pipeline: string,
  runId: string,
  entries: readonly AttentionWrite[],
  now: string,
): Promise<void> {
  const attempts = new Map<string, { n: number; resolved: boolean }>();
  const keys = [...new Set(entries.map((e) => e.sourceKey))];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = (await trx(TABLE)
      .where({ pipeline })
      .whereIn('source_key', keys.slice(i, i + CHUNK))
      .select('source_key', 'occurrences', 'status')) as { source_key: string; occurrences: number; status: string }[];
    for (const r of rows) attempts.set(r.source_key, { n: Number(r.occurrences), resolved: r.status === 'resolved' });
  }
  for (const e of entries) {
    const payload = e.payload === undefined ? null : JSON.stringify(e.payload);
    const reasonClass = e.reasonClass ?? reasonClassOf(e.code);
    const previous = attempts.get(e.sourceKey);
    // A record parked again after it was resolved is a new incident: its count starts over.
    const fresh = previous === undefined || previous.resolved;
    const n = fresh ? 1 : previous.n + 1;
    attempts.set(e.sourceKey, { n, resolved: false });
    // An in-doubt entry is settled by the runs after its commit window, never retried as such.
    const retryable = reasonClass === 'transient' && e.stage !== 'in-doubt' && e.stage !== 'read';
    const refusal = isTargetRefusal({ ...e, reasonClass });
    const fields = {
      dedupe_key: e.dedupeKey ?? null,
      stage: e.stage,
      code: e.code,
      reason_class: reasonClass,
      message: e.message.slice(0, 4000),
      payload,
      status: 'open',
      run_id: runId,
      last_seen: now,
      retry_after: (retryable && n < PARKED_RETRY.maxAttempts) || refusal ? retryAfterFor(n, now) : null,
      source_fp: refusal ? e.sourceFp! : null,
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    };
    if (previous !== undefined)
      await trx(TABLE)
        .where({ pipeline, source_key: e.sourceKey })
        .update({ ...fields, occurrences: n, ...(fresh && { first_seen: now, first_run_id: runId }) });
    else
      await trx(TABLE).insert({
        pipeline,
        source_key: e.sourceKey,
        first_seen: now,
        first_run_id: runId,
        occurrences: 1,
        ...fields,
      });
  }
}

/** Close entries whose records have now synced. */
export async function attentionResolve(
  trx: Knex,
  pipeline: string,
  sourceKeys: readonly string[],
  now: string,
): Promise<number> {
  let n = 0;
  for (let i = 0; i < sourceKeys.length; i += CHUNK) {
    n += await trx(TABLE)
      .where({ pipeline })
      .whereIn('source_key', sourceKeys.slice(i, i + CHUNK))
      .whereIn('status', ['open', 'resync'])
      .update({ status: 'resolved', last_seen: now, retry_after: null });
  }
  return n;
}

export interface AttentionQuery {
  pipeline?: string;
  statuses?: AttentionStatus[];
  sourceKeys?: string[];
  reasonClasses?: ReasonClass[];
  /** Open entries with a retry time (transient ones, target refusals) that is due at this time. */
  retryDueAt?: string;
  limit?: number;
}

export async function attentionList(knex: Knex, q: AttentionQuery = {}): Promise<AttentionEntry[]> {
  let query = knex(TABLE).select('*');
  if (q.pipeline) query = query.where({ pipeline: q.pipeline });
  if (q.statuses) query = query.whereIn('status', q.statuses);
  if (q.sourceKeys) query = query.whereIn('source_key', q.sourceKeys);
  if (q.reasonClasses) query = query.whereIn('reason_class', q.reasonClasses);
  if (q.retryDueAt !== undefined)
    query = query.where({ status: 'open' }).whereNotNull('retry_after').andWhere('retry_after', '<=', q.retryDueAt);
  const rows = (await query.orderBy('id').limit(q.limit ?? 10_000)) as Row[];
  return rows.map(fromRow);
}

/** An open target refusal (see `isTargetRefusal`): the fingerprint it was refused with and its retry time. */
export interface OpenRefusal {
  sourceKey: string;
  sourceFp: string;
  retryAfter: string | null;
}

/**
 * Open target refusals of a pipeline (a run holds such a record while it computes the same
 * fingerprint and its retry time has not come). Entries of a class that is not held are left out,
 * also those stored with a fingerprint by an earlier version.
 */
export async function attentionRefusals(knex: Knex, pipeline: string): Promise<OpenRefusal[]> {
  const rows = (await knex(TABLE)
    .where({ pipeline, status: 'open' })
    .whereIn('stage', ['apply', 'check'])
    .whereNotIn('reason_class', [...UNHELD_REFUSAL_CLASSES])
    .whereNotNull('source_fp')
    .orderBy('id')
    .select('source_key', 'source_fp', 'retry_after')) as {
    source_key: string;
    source_fp: string;
    retry_after: string | null;
  }[];
  return rows.map((r) => ({ sourceKey: r.source_key, sourceFp: r.source_fp, retryAfter: r.retry_after ?? null }));
}

export async function attentionMarkResync(
  knex: Knex,
  pipeline: string,
  sourceKeys?: readonly string[],
): Promise<number> {
  let q = knex(TABLE).where({ pipeline, status: 'open' });
  if (sourceKeys) q = q.whereIn('source_key', sourceKeys);
  return q.update({ status: 'resync' });
}

/** Entries of stage `in-doubt` for these dedupe keys (settlement decides them). */
export async function attentionInDoubt(
  knex: Knex,
  pipeline: string,
  dedupeKeys: readonly string[],
): Promise<AttentionEntry[]> {
  const out: AttentionEntry[] = [];
  for (let i = 0; i < dedupeKeys.length; i += CHUNK) {
    const rows = (await knex(TABLE)
      .where({ pipeline, stage: 'in-doubt' })
      .whereIn('status', ['open', 'resync'])
      .whereIn('dedupe_key', dedupeKeys.slice(i, i + CHUNK))) as Row[];
    out.push(...rows.map(fromRow));
  }
  return out;
}

/** Settlement's outcome on the in-doubt entries: found ones are resolved, absent ones marked for re-sync. */
export async function attentionSettle(
  trx: Knex,
  pipeline: string,
  found: readonly string[],
  absent: readonly string[],
  now: string,
): Promise<void> {
  for (const [keys, status] of [
    [found, 'resolved'],
    [absent, 'resync'],
  ] as const) {
    for (let i = 0; i < keys.length; i += CHUNK) {
      await trx(TABLE)
        .where({ pipeline, stage: 'in-doubt' })
        .whereIn('status', ['open', 'resync'])
        .whereIn('dedupe_key', keys.slice(i, i + CHUNK))
        .update({ status, last_seen: now });
    }
  }
}

/** Resolves `read` entries (rows the source could not read) that a complete read no longer reports. */
export async function attentionResolveUnseenReads(
  trx: Knex,
  pipeline: string,
  stillBad: readonly string[],
  now: string,
): Promise<void> {
  const open = (await trx(TABLE)
    .where({ pipeline, stage: 'read' })
    .whereIn('status', ['open', 'resync'])
    .select('source_key')) as {
    source_key: string;
  }[];
  const bad = new Set(stillBad);
  const gone = open.map((r) => r.source_key).filter((k) => !bad.has(k));
  await attentionResolve(trx, pipeline, gone, now);
}
