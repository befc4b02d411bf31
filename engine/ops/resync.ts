/**
 * The re-sync service: an operator asks for records to be synced again — chosen source keys, every
 * record in attention, or every record. The request is stored in the state store and the next run
 * of the pipeline processes it (bypassing unchanged-source skipping for those records); `now` runs
 * the pipeline at once. An existing target record is updated to match the source, a missing one is
 * created, a posted one is reported locked (or corrected where the pipeline allows corrections),
 * never duplicated: that is the plan's own classification, not a code path of its own.
 */
import { ConfigError } from '../errors.js';
import { isoNow } from '../runtime/clock.js';
import { logList, type LogEntry } from '../state/log.js';
import { resyncRequest, type ResyncAsk, type ResyncRequest } from '../state/resync.js';
import type { StateStore } from '../state/store.js';
import { actor } from './actor.js';
import { resolvePipeline, type PipelineRef } from './pipeline-ref.js';

export interface ResyncAskInput {
  /** A pipeline file or name. */
  pipeline: string;
  keys?: readonly string[];
  failed?: boolean;
  all?: boolean;
  by?: string;
  cwd?: string;
}

export interface ResyncStored {
  pipeline: PipelineRef;
  ask: ResyncAsk;
  requests: ResyncRequest[];
  /** Open attention entries the request covers (for --failed, every open entry; for keys, those with one). */
  covered: number;
}

/** The one kind of request the options ask for, or a clear refusal. */
export function resyncAsk(input: Pick<ResyncAskInput, 'keys' | 'failed' | 'all'>): ResyncAsk {
  const keys = (input.keys ?? []).map((k) => k.trim()).filter((k) => k !== '');
  const chosen = [keys.length > 0, input.failed === true, input.all === true].filter(Boolean).length;
  if (chosen !== 1)
    throw new ConfigError(
      'RESYNC_SCOPE_INVALID',
      'say which records to re-sync: --key K… (source keys), --failed (every record in attention) or --all (every record), exactly one of them',
    );
  if (keys.length > 0) return { scope: 'key', keys };
  return { scope: input.failed ? 'failed' : 'all' };
}

export async function requestResync(state: StateStore, input: ResyncAskInput): Promise<ResyncStored> {
  const ask = resyncAsk(input);
  const pipeline = await resolvePipeline(state, input.pipeline, input.cwd);
  const by = actor(input.by);
  const at = isoNow(state.clock);
  const requests = await resyncRequest(state.knex, pipeline.name, ask, by, at);
  const open = await state.attentionList({
    pipeline: pipeline.name,
    statuses: ['open', 'resync'],
    ...(ask.scope === 'key' && { sourceKeys: [...ask.keys] }),
  });
  await state.knex('sluice_audit').insert({
    at,
    pipeline: pipeline.name,
    action: 'resync-request',
    detail: JSON.stringify({
      by,
      scope: ask.scope,
      ...(ask.scope === 'key' && { keys: ask.keys.slice(0, 100), count: ask.keys.length }),
    }),
  });
  return { pipeline, ask, requests, covered: open.length };
}

export interface ResyncOutcomeRow {
  key: string;
  /** What the run did with it: its log rows (none: nothing to change, the target already matched). */
  attempts: LogEntry[];
  notFound: boolean;
}

/** After a run that processed requests: per requested key, what the run did (from the integration log). */
export async function resyncOutcomes(
  state: StateStore,
  pipeline: string,
  runId: string,
  keys: readonly string[],
): Promise<ResyncOutcomeRow[]> {
  const rows = await logList(state.knex, { pipeline, runId, limit: 100_000 });
  return keys.map((key) => {
    const attempts = rows.filter((r) => r.sourceKey === key || r.dedupeKey === key);
    return { key, attempts, notFound: attempts.some((a) => a.outcome === 'not-found') };
  });
}
