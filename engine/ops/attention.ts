/**
 * The attention service, for the CLI and the finance page alike: what could not be synced and why
 * (reason class, code, message, first and last seen, attempts, runs), one entry with its history,
 * and resolving an entry by hand with a reason that is kept in the audit trail.
 */
import { ConfigError } from '../errors.js';
import type { ReasonClass } from '../error-codes.js';
import { attentionGet, attentionResolveById } from '../state/attention-admin.js';
import type { AttentionEntry, AttentionStatus } from '../state/attention.js';
import { logList, type LogEntry } from '../state/log.js';
import { isoNow } from '../runtime/clock.js';
import type { StateStore } from '../state/store.js';
import { actor } from './actor.js';
import { resolvePipeline } from './pipeline-ref.js';

export interface AttentionListQuery {
  /** A pipeline file or name; all pipelines when absent. */
  pipeline?: string;
  /** Include resolved entries. */
  all?: boolean;
  classes?: ReasonClass[];
  cwd?: string;
  limit?: number;
}

export async function listAttention(state: StateStore, q: AttentionListQuery = {}): Promise<AttentionEntry[]> {
  const pipeline = q.pipeline !== undefined ? (await resolvePipeline(state, q.pipeline, q.cwd)).name : undefined;
  const statuses: AttentionStatus[] | undefined = q.all ? undefined : ['open', 'resync'];
  return state.attentionList({
    ...(pipeline !== undefined && { pipeline }),
    ...(statuses && { statuses }),
    ...(q.classes && q.classes.length > 0 && { reasonClasses: q.classes }),
    ...(q.limit !== undefined && { limit: q.limit }),
  });
}

/** Entries by reason class, for a summary line or a dashboard. */
export function countByClass(entries: readonly AttentionEntry[]): Partial<Record<ReasonClass, number>> {
  const out: Partial<Record<ReasonClass, number>> = {};
  for (const e of entries) out[e.reasonClass] = (out[e.reasonClass] ?? 0) + 1;
  return out;
}

export interface AttentionDetail {
  entry: AttentionEntry;
  /** The record's integration log, newest first. */
  history: LogEntry[];
}

function parseId(id: string | number): number {
  const n = typeof id === 'number' ? id : Number(id);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError('ATTENTION_UNKNOWN', `"${id}" is not an attention entry id (see sluice attention list)`);
  return n;
}

export async function showAttention(
  state: StateStore,
  id: string | number,
  historyLimit = 50,
): Promise<AttentionDetail> {
  const n = parseId(id);
  const entry = await attentionGet(state.knex, n);
  if (!entry)
    throw new ConfigError('ATTENTION_UNKNOWN', `there is no attention entry ${n} (see sluice attention list)`);
  const history = await logList(state.knex, {
    pipeline: entry.pipeline,
    key: entry.sourceKey,
    newestFirst: true,
    limit: historyLimit,
  });
  return { entry, history };
}

export interface ResolveRequest {
  id: string | number;
  reason: string;
  /** Who resolves it (default: the OS user). */
  by?: string;
}

export async function resolveAttention(state: StateStore, r: ResolveRequest): Promise<AttentionEntry> {
  const n = parseId(r.id);
  if (r.reason.trim() === '')
    throw new ConfigError(
      'RESOLUTION_REASON_MISSING',
      'say why the entry is resolved: --reason "…" (it is kept in the audit trail)',
    );
  const before = await attentionResolveById(state.knex, n, actor(r.by), r.reason.trim(), isoNow(state.clock));
  if (!before)
    throw new ConfigError('ATTENTION_UNKNOWN', `there is no attention entry ${n} (see sluice attention list)`);
  return before;
}
