/**
 * The integration log service: a record's history (every attempt, its operation and outcome, field
 * changes, target id, payload hash, run and trigger), what one run changed, and a pipeline's
 * recent attempts.
 */
import { ConfigError } from '../errors.js';
import { CHANGING_OUTCOMES, logList, type LogEntry } from '../state/log.js';
import type { StateStore } from '../state/store.js';
import { resolvePipeline } from './pipeline-ref.js';

export interface LogQueryInput {
  /** A pipeline file or name (optional with `run`). */
  pipeline?: string;
  /** A source key or a dedupe key. */
  key?: string;
  run?: string;
  /** With `run` and no key: only what changed the target (default true). */
  changedOnly?: boolean;
  limit?: number;
  cwd?: string;
}

export interface LogAnswer {
  pipeline: string | undefined;
  entries: LogEntry[];
  /** More rows matched than `limit`. */
  truncated: boolean;
}

export async function queryLog(state: StateStore, q: LogQueryInput): Promise<LogAnswer> {
  if (q.pipeline === undefined && q.run === undefined)
    throw new ConfigError('LOG_QUERY_INVALID', 'give a pipeline (file or name), --run R, or both');
  if (q.run !== undefined) {
    const runs = await state.knex('sluice_runs').where({ id: q.run }).select('pipeline');
    if (runs.length === 0) throw new ConfigError('RUN_UNKNOWN', `there is no run ${q.run} (see sluice runs)`);
  }
  const pipeline = q.pipeline !== undefined ? (await resolvePipeline(state, q.pipeline, q.cwd)).name : undefined;
  const limit = q.limit ?? 1000;
  const changedOnly = q.run !== undefined && q.key === undefined && q.changedOnly !== false;
  const entries = await logList(state.knex, {
    ...(pipeline !== undefined && { pipeline }),
    ...(q.key !== undefined && { key: q.key }),
    ...(q.run !== undefined && { runId: q.run }),
    ...(changedOnly && { changedOnly }),
    // A record's history and a pipeline's recent attempts: newest first; a run: in the order it happened.
    newestFirst: q.run === undefined,
    limit: limit + 1,
  });
  return { pipeline, entries: entries.slice(0, limit), truncated: entries.length > limit };
}

/** Whether the attempt changed the target. */
export function changedTarget(e: LogEntry): boolean {
  return CHANGING_OUTCOMES.includes(e.outcome);
}
