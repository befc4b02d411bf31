/**
 * The integration log: one row per attempt on a record — its operation and outcome, the field
 * changes, the target id, the hash of the payload sent, the run and what started it. Rows are
 * written in the same transaction as the ledger rows they describe and pruned after the retention.
 */
import type { Knex } from 'knex';
import type { FieldChange } from '../connector/types.js';
import type { ReasonClass } from '../error-codes.js';
import { isSqlite, withSqlite } from './sqlite-fast.js';

const TABLE = 'sluice_log';
const CHUNK = 200;
const MESSAGE_LIMIT = 4000;
const CHANGES_LIMIT = 60_000;

/** What started the attempt: a scheduled or manual run, a re-sync request, the apply of a reviewed plan. */
export const RUN_TRIGGERS = ['schedule', 'manual', 'resync', 'plan'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/**
 * written: the target acknowledged it; recovered: found in the target after a failed attempt;
 * in-doubt: outcome unknown; failed: refused; parked: sent to attention before any write;
 * locked: posted/booked, not changed; adopted: an existing target record taken into the ledger;
 * forgotten: already gone from the target; reversed: a correction's reversal; found/absent: an
 * in-doubt create settled; not-found: a re-sync asked for a record the source does not have;
 * resolved: an operator resolved the attention entry, or a run found the record in sync (op `noop`).
 */
export const LOG_OUTCOMES = [
  'written',
  'recovered',
  'in-doubt',
  'failed',
  'parked',
  'locked',
  'adopted',
  'forgotten',
  'reversed',
  'found',
  'absent',
  'not-found',
  'resolved',
] as const;
export type LogOutcome = (typeof LOG_OUTCOMES)[number];

export interface LogWrite {
  sourceKey: string;
  dedupeKey?: string | undefined;
  /** create, update, delete, deactivate, reverse, adopt, forget, settle, resync, resolve, or the attention stage. */
  op: string;
  outcome: LogOutcome;
  targetId?: string | null | undefined;
  payloadHash?: string | null | undefined;
  changes?: readonly FieldChange[] | undefined;
  code?: string | undefined;
  reasonClass?: ReasonClass | undefined;
  message?: string | undefined;
  /** Absent: the trigger of the run that commits it. */
  trigger?: RunTrigger;
}

export interface LogEntry {
  id: number;
  pipeline: string;
  runId: string | null;
  at: string;
  trigger: RunTrigger;
  sourceKey: string;
  dedupeKey: string | null;
  op: string;
  outcome: LogOutcome;
  targetId: string | null;
  payloadHash: string | null;
  changes: FieldChange[] | null;
  code: string | null;
  reasonClass: ReasonClass | null;
  message: string | null;
}

interface Row {
  id: number | string;
  pipeline: string;
  run_id: string | null;
  at: string;
  run_trigger: RunTrigger;
  source_key: string;
  dedupe_key: string | null;
  op: string;
  outcome: LogOutcome;
  target_id: string | null;
  payload_hash: string | null;
  changes: string | null;
  code: string | null;
  reason_class: ReasonClass | null;
  message: string | null;
}

function fromRow(r: Row): LogEntry {
  return {
    id: Number(r.id),
    pipeline: r.pipeline,
    runId: r.run_id,
    at: r.at,
    trigger: r.run_trigger,
    sourceKey: r.source_key,
    dedupeKey: r.dedupe_key,
    op: r.op,
    outcome: r.outcome,
    targetId: r.target_id,
    payloadHash: r.payload_hash,
    changes: r.changes === null ? null : (JSON.parse(r.changes) as FieldChange[]),
    code: r.code,
    reasonClass: r.reason_class,
    message: r.message,
  };
}

/** The changes as stored: cut to a size a log row can hold (the plan file has them all). */
function changesJson(changes: readonly FieldChange[] | undefined): string | null {
  if (!changes || changes.length === 0) return null;
  const text = JSON.stringify(changes);
  if (text.length <= CHANGES_LIMIT) return text;
  const kept: FieldChange[] = [];
  let size = 2;
  for (const c of changes) {
    const one = JSON.stringify(c).length + 1;
    if (size + one > CHANGES_LIMIT - 200) break;
    kept.push(c);
    size += one;
  }
  kept.push({ path: '…', before: null, after: `${changes.length - kept.length} more change(s) not kept in the log` });
  return JSON.stringify(kept);
}

const COLUMNS = [
  'pipeline',
  'run_id',
  'at',
  'run_trigger',
  'source_key',
  'dedupe_key',
  'op',
  'outcome',
  'target_id',
  'payload_hash',
  'changes',
  'code',
  'reason_class',
  'message',
] as const;

function rowValues(pipeline: string, runId: string | null, trigger: RunTrigger, w: LogWrite, at: string): unknown[] {
  return [
    pipeline,
    runId,
    at,
    w.trigger ?? trigger,
    w.sourceKey,
    w.dedupeKey ?? null,
    w.op.slice(0, 16),
    w.outcome,
    w.targetId ?? null,
    w.payloadHash ?? null,
    changesJson(w.changes),
    w.code?.slice(0, 64) ?? null,
    w.reasonClass ?? null,
    w.message === undefined ? null : w.message.slice(0, MESSAGE_LIMIT),
  ];
}

export async function logWrite(
  trx: Knex,
  pipeline: string,
  runId: string | null,
  trigger: RunTrigger,
  writes: readonly LogWrite[],
  at: string,
): Promise<void> {
  if (writes.length === 0) return;
  if (isSqlite(trx)) {
    // One prepared single-row statement, run per row inside the caller's transaction (as the
    // ledger does): knex would compile and SQLite prepare a new multi-row INSERT for every chunk.
    await withSqlite(trx, (prepare) => {
      const stmt = prepare(`INSERT INTO ${TABLE} (${COLUMNS.join(',')}) VALUES (${COLUMNS.map(() => '?').join(',')})`);
      for (const w of writes) stmt.run(...rowValues(pipeline, runId, trigger, w, at));
    });
    return;
  }
  for (let i = 0; i < writes.length; i += CHUNK) {
    const rows = writes.slice(i, i + CHUNK).map((w) => {
      const values = rowValues(pipeline, runId, trigger, w, at);
      return Object.fromEntries(COLUMNS.map((c, j) => [c, values[j]]));
    });
    await trx(TABLE).insert(rows);
  }
}

export interface LogQuery {
  pipeline?: string;
  /** A source key or a dedupe key. */
  key?: string;
  runId?: string;
  /** Only attempts that changed something in the target (written, recovered, adopted, forgotten, reversed, found). */
  changedOnly?: boolean;
  /** Newest first when set; oldest first otherwise. */
  newestFirst?: boolean;
  limit?: number;
}

export const CHANGING_OUTCOMES: readonly LogOutcome[] = [
  'written',
  'recovered',
  'adopted',
  'forgotten',
  'reversed',
  'found',
];

export async function logList(knex: Knex, q: LogQuery): Promise<LogEntry[]> {
  let query = knex(TABLE).select('*');
  if (q.pipeline !== undefined) query = query.where({ pipeline: q.pipeline });
  if (q.runId !== undefined) query = query.where({ run_id: q.runId });
  if (q.key !== undefined) {
    const key = q.key;
    query = query.where((w) => void w.where({ source_key: key }).orWhere({ dedupe_key: key }));
  }
  if (q.changedOnly) query = query.whereIn('outcome', CHANGING_OUTCOMES);
  const rows = (await query.orderBy('id', q.newestFirst ? 'desc' : 'asc').limit(q.limit ?? 1000)) as Row[];
  return rows.map(fromRow);
}

/** Removes the rows of `pipeline` older than `before`; returns how many. */
export async function logPrune(knex: Knex, pipeline: string, before: string): Promise<number> {
  return knex(TABLE).where({ pipeline }).andWhere('at', '<', before).delete();
}
