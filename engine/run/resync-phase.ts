/**
 * What a session processes again besides what the source returns: records marked for re-sync and
 * re-sync requests (`sluice resync`), and transient attention entries whose retry is due. Requested
 * records bypass unchanged-source skipping; a requested key without a stored record, or a request
 * for every record, makes the run read the source in full. Requests are closed by the commit that
 * ends a run's apply. What a run does not attempt even when the source returns it: transient entries
 * waiting for their retry time (or out of attempts), and records the target refused whose retry time
 * has not come while nothing they depend on changed (`refused`, decided per record by the planner).
 */
import type { DataRecord } from '../connector/types.js';
import { PARKED_RETRY, type AttentionEntry } from '../state/attention.js';
import type { LogWrite } from '../state/log.js';
import { resyncPending, type ResyncOutcome, type ResyncRequest } from '../state/resync.js';
import type { StateStore } from '../state/store.js';
import type { PlanResync } from './plan-file/document.js';
import { isoNow } from '../runtime/clock.js';
import type { Ctx } from './context.js';
import { isRecord } from './settle-phase.js';

export interface ResyncWork {
  /** Stored source records processed again (a record the source returns is taken from the source), by source key. */
  records: Map<string, DataRecord>;
  /** Source keys an operator asked for: never skipped as unchanged; logged with trigger `resync`. */
  forced: Set<string>;
  /** Every record was asked for: no unchanged-source skipping at all. */
  all: boolean;
  /** The source is read from its start (cursor ignored for this read). */
  fullRead: boolean;
  /** Pending requests this session works on. */
  requests: ResyncRequest[];
  /** Transient entries retried now. */
  retries: number;
  /**
   * Source keys of transient entries not due yet (backoff) or out of attempts (they wait for a
   * re-sync): not attempted in this run even when the source returns them again.
   */
  held: Set<string>;
  /**
   * Records the target refused (state/attention.ts `isTargetRefusal`) whose retry time has not come:
   * source key → the fingerprint they were refused with. The planner holds such a record while its
   * fingerprint is the same (source record, pipeline, connections and lookups unchanged).
   */
  refused: Map<string, string>;
  /**
   * Every open target refusal not asked for, due or not: source key → the fingerprint it was refused
   * with. Such a record is not skipped as unchanged while it has that fingerprint: the ledger says
   * the target holds what it produces, the refusal says the target was found to differ.
   */
  refusedWith: Map<string, string>;
}

export function noResync(): ResyncWork {
  return {
    records: new Map(),
    forced: new Set(),
    all: false,
    fullRead: false,
    requests: [],
    retries: 0,
    held: new Set(),
    refused: new Map(),
    refusedWith: new Map(),
  };
}

function replayable(e: AttentionEntry): e is AttentionEntry & { payload: DataRecord } {
  return e.stage !== 'read' && isRecord(e.payload);
}

export async function gatherResync(ctx: Ctx): Promise<ResyncWork> {
  const work = noResync();
  if (ctx.opts.resync === false) return work;
  const { state } = ctx;
  const name = ctx.pipeline.spec.name;
  const take = (list: readonly AttentionEntry[], force: boolean): void => {
    for (const e of list) {
      if (force) work.forced.add(e.sourceKey);
      if (replayable(e)) work.records.set(e.sourceKey, e.payload);
    }
  };
  work.requests = await resyncPending(state.knex, name);
  take(await state.attentionList({ pipeline: name, statuses: ['resync'] }), true);
  if (work.requests.some((r) => r.scope === 'failed' || r.scope === 'all'))
    take(await state.attentionList({ pipeline: name, statuses: ['open'] }), true);
  if (work.requests.some((r) => r.scope === 'all')) {
    work.all = true;
    work.fullRead = true;
  }
  const keys = work.requests.filter((r) => r.scope === 'key' && r.sourceKey !== null).map((r) => r.sourceKey!);
  if (keys.length > 0) {
    // The record last parked for the key, if any (also resolved entries keep it).
    const stored = await state.attentionList({ pipeline: name, sourceKeys: keys });
    take(stored, true);
    for (const k of keys) work.forced.add(k);
    if (keys.some((k) => !work.records.has(k))) work.fullRead = true;
  }
  const now = isoNow(ctx.clock);
  const due = await state.attentionList({ pipeline: name, retryDueAt: now });
  for (const e of due) {
    // A target refusal is sent again only when the source returns it (it waits for a change there).
    if (e.reasonClass !== 'transient') continue;
    if (e.occurrences >= PARKED_RETRY.maxAttempts || !replayable(e) || work.records.has(e.sourceKey)) continue;
    work.records.set(e.sourceKey, e.payload);
    work.retries++;
  }
  // The backoff and the cap hold also for a source that returns the record on every read.
  for (const e of await state.attentionList({ pipeline: name, statuses: ['open'], reasonClasses: ['transient'] })) {
    if (e.stage === 'in-doubt' || e.stage === 'read' || work.forced.has(e.sourceKey)) continue;
    const waiting = e.retryAfter !== null ? e.retryAfter > now : e.occurrences >= PARKED_RETRY.maxAttempts;
    if (waiting) work.held.add(e.sourceKey);
  }
  for (const r of await state.attentionRefusals(name)) {
    if (work.forced.has(r.sourceKey)) continue;
    work.refusedWith.set(r.sourceKey, r.sourceFp);
    if (r.retryAfter !== null && r.retryAfter > now) work.refused.set(r.sourceKey, r.sourceFp);
  }
  const busy = work.requests.length > 0 || work.forced.size > 0 || work.retries > 0 || work.held.size > 0;
  if (busy || work.refused.size > 0)
    ctx.logger.info(
      {
        requests: work.requests.length,
        forced: work.forced.size,
        retries: work.retries,
        held: work.held.size,
        refusedWaiting: work.refused.size,
        fullRead: work.fullRead,
      },
      `re-sync: ${work.forced.size} record(s) asked for${work.all ? ' (every record)' : ''}, ${work.retries} transient failure(s) retried, ${work.held.size} waiting for their retry time or a re-sync, ${work.refused.size} refused by the target not sent again before their retry time unless their source record, the pipeline or its lookups change`,
    );
  return work;
}

/** How the run closes its requests, and the log rows of requested keys nobody had. */
export function closeResync(
  work: ResyncWork,
  seen: ReadonlySet<string>,
): { closed: { id: number; outcome: ResyncOutcome }[]; log: LogWrite[] } {
  const closed: { id: number; outcome: ResyncOutcome }[] = [];
  const log: LogWrite[] = [];
  for (const r of work.requests) {
    const missing = r.scope === 'key' && r.sourceKey !== null && !seen.has(r.sourceKey);
    closed.push({ id: r.id, outcome: missing ? 'not-found' : 'done' });
    if (missing)
      log.push({
        sourceKey: r.sourceKey!,
        op: 'resync',
        outcome: 'not-found',
        trigger: 'resync',
        message: `re-sync asked by ${r.requestedBy} at ${r.requestedAt}: the source did not return ${r.sourceKey} and no record of it is stored; nothing was done`,
      });
  }
  return { closed, log };
}

/** What a saved plan records of its re-sync work, so that applying it closes the requests it took in. */
export function planResync(work: ResyncWork, seen: ReadonlySet<string>): PlanResync {
  const asked = new Set(work.requests.filter((r) => r.scope === 'key').map((r) => r.sourceKey));
  return { requests: work.requests.map((r) => r.id), found: [...seen].filter((k) => asked.has(k)) };
}

/**
 * The re-sync work of a saved plan at its apply: the requests it took in that are still pending
 * (another run may have closed some meanwhile). Nothing is forced again: the plan's operations are
 * what was reviewed.
 */
export async function savedResync(
  state: StateStore,
  pipeline: string,
  saved: PlanResync,
): Promise<{ work: ResyncWork; seen: ReadonlySet<string> }> {
  const ids = new Set(saved.requests);
  const work = noResync();
  work.requests = (await resyncPending(state.knex, pipeline)).filter((r) => ids.has(r.id));
  return { work, seen: new Set(saved.found) };
}
