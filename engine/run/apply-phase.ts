/**
 * The apply phase of a session: write the plan's operations, let the target finish (`finish`),
 * confirm to the source, and commit the cursor last — only when apply went through the whole plan.
 */
import { applyPlan, type ApplyResult } from '../apply/applier.js';
import type { DataRecord } from '../connector/types.js';
import type { PlanAttention, PlanItem } from '../plan/types.js';
import { asSluiceError } from '../errors.js';
import { isoNow } from '../runtime/clock.js';
import type { LogWrite } from '../state/log.js';
import { confirmToSource } from './confirm.js';
import { openTarget, sessionTrigger, type Ctx } from './context.js';
import { pruneLog } from './log-retention.js';
import { closeResync, type ResyncWork } from './resync-phase.js';

export interface ApplySubject {
  items: AsyncIterable<PlanItem>;
  /** The cursor to commit when everything was applied (and the key of the last record read at it). */
  cursorTo: string | undefined;
  cursorKeyTo?: string;
  sourceRecords: ReadonlyMap<string, DataRecord>;
  /** Set when the plan read the whole source: `read` entries it no longer reported are resolved. */
  stillUnreadable?: readonly string[];
  /** What the plan processed on request, and which requested keys it found: closed with the last commit. */
  resync?: { work: ResyncWork; seen: ReadonlySet<string> };
  /** How many writes the plan holds, for progress. */
  writes?: number;
}

export interface ApplyPhaseResult extends ApplyResult {
  confirm?: { sent: number; failed: number };
}

export async function apply(
  ctx: Ctx,
  subject: ApplySubject,
  settledKeys: ReadonlySet<string>,
): Promise<ApplyPhaseResult> {
  const { pipeline, state, opts } = ctx;
  const spec = pipeline.spec;
  const { target, view } = await openTarget(ctx);
  const caps = pipeline.target.definition.capabilities;
  const open = new Set(
    (await state.attentionList({ pipeline: spec.name, statuses: ['open', 'resync'] })).map((e) => e.sourceKey),
  );
  const confirm = pipeline.source.definition.capabilities.confirm === true;
  const runTrigger = sessionTrigger(ctx);
  const forced = subject.resync?.work.forced;
  const trigger = forced && forced.size > 0 ? (k: string) => (forced.has(k) ? 'resync' : runTrigger) : () => runTrigger;
  if (subject.writes !== undefined) opts.onApplyStart?.(subject.writes);
  const source = confirm ? await ctx.conns.source(pipeline.source, spec.source.options) : undefined;
  const keepTarget = source?.confirmKeepsTarget?.bind(source);
  const result = await applyPlan({
    trigger,
    target,
    lookup: (keys) => view.lookup(keys),
    commit: (batch, at) => state.commit(spec.name, ctx.runId, batch, at),
    batchSize: Math.max(1, Math.min(spec.target.batchSize ?? caps.bulkSize ?? 1, caps.bulkSize ?? 1)),
    items: subject.items,
    onError: spec.on_error,
    openAttention: open,
    settledKeys,
    clock: ctx.clock,
    logger: ctx.logger,
    collectOutcomes: confirm,
    ...(keepTarget && { keepTarget }),
    sourceRecords: subject.sourceRecords,
    signal: ctx.signal,
    ...(opts.retry && { retry: opts.retry }),
    ...(opts.onApplyProgress && { onProgress: opts.onApplyProgress }),
  });
  if (result.stopped) return result;
  try {
    await target.finish?.();
  } catch (err) {
    return { ...result, stopped: asSluiceError(err) };
  }
  let confirmed: ApplyPhaseResult['confirm'];
  let extra: PlanAttention[] = [];
  if (source) {
    // A record the transform skipped on purpose has nothing to post: that is a successful outcome.
    const outcomes = new Map(result.outcomes.map((o) => [o.sourceKey, o]));
    for (const [sourceKey, record] of subject.sourceRecords) {
      if (!outcomes.has(sourceKey))
        outcomes.set(sourceKey, { sourceKey, record, status: 'success', message: 'nothing to post' });
    }
    const c = await confirmToSource(source, [...outcomes.values()], ctx.logger);
    confirmed = { sent: c.sent, failed: c.failed };
    extra = c.attention;
  }
  const closing = subject.resync ? closeResync(subject.resync.work, subject.resync.seen) : undefined;
  const log: LogWrite[] = [
    ...extra.map((a) => ({
      sourceKey: a.sourceKey,
      dedupeKey: a.dedupeKey,
      op: a.stage,
      outcome: 'parked' as const,
      code: a.code,
      reasonClass: a.reasonClass,
      message: a.message,
      trigger: trigger(a.sourceKey),
    })),
    ...(closing?.log ?? []),
  ];
  await state.commit(
    spec.name,
    ctx.runId,
    {
      attention: extra,
      log,
      ...(closing && closing.closed.length > 0 && { resyncClosed: closing.closed }),
      ...(subject.cursorTo !== undefined && { cursor: subject.cursorTo }),
      ...(subject.cursorTo !== undefined && subject.cursorKeyTo !== undefined && { cursorKey: subject.cursorKeyTo }),
      ...(subject.stillUnreadable && { stillUnreadable: subject.stillUnreadable }),
    },
    isoNow(ctx.clock),
  );
  await pruneLog(ctx);
  const counts = { ...result.counts, attention: result.counts.attention + extra.length };
  return {
    ...result,
    counts,
    attentionSample: [...result.attentionSample, ...extra].slice(0, 10),
    ...(confirmed && { confirm: confirmed }),
  };
}
