/** The apply phase of a session: write the plan's operations, confirm to the source, commit the cursor. */
import { Applier, type ApplyResult } from '../apply/applier.js';
import type { SpillItem } from '../plan/spill.js';
import type { PlanAttention } from '../plan/types.js';
import { confirmToSource } from './confirm.js';
import { targetKeyField, type Ctx } from './context.js';

export async function apply(
  ctx: Ctx,
  items: AsyncIterable<SpillItem>,
  cursor: string | undefined,
  sourceRecords: ReadonlyMap<string, Record<string, unknown>>,
): Promise<ApplyResult & { confirm?: { sent: number; failed: number } }> {
  const { pipeline, conns, state, opts } = ctx;
  const spec = pipeline.spec;
  const keyField = targetKeyField(pipeline);
  const target = await conns.target(pipeline.target, spec.target.options, keyField);
  const caps = pipeline.target.definition.capabilities;
  const open = new Set(
    (await state.attentionList({ pipeline: spec.name, statuses: ['open', 'resync'] })).map((e) => e.sourceKey),
  );
  const confirm = pipeline.source.definition.capabilities.confirm === true;
  const applier = new Applier({
    pipeline: spec.name,
    runId: ctx.runId,
    state,
    target,
    canLookup: keyField !== undefined,
    batchSize: Math.max(1, Math.min(spec.target.batchSize ?? caps.bulkSize ?? 1, caps.bulkSize ?? 1)),
    items,
    onError: spec.on_error,
    openAttention: open,
    logger: ctx.logger,
    collectOutcomes: confirm,
    sourceRecords,
    ...(opts.retry && { retry: opts.retry }),
    ...(opts.onApplyProgress && { onProgress: opts.onApplyProgress }),
  });
  const result = await applier.run();
  let confirmed: { sent: number; failed: number } | undefined;
  const extra: PlanAttention[] = [];
  if (confirm) {
    // A record the transform skipped on purpose has nothing to post: that is a successful outcome.
    for (const [sourceKey, record] of sourceRecords) {
      if (!result.outcomes.has(sourceKey))
        result.outcomes.set(sourceKey, { sourceKey, record, status: 'success', message: 'nothing to post' });
    }
    const source = await conns.source(pipeline.source, spec.source.options);
    confirmed = await confirmToSource(source, [...result.outcomes.values()], extra, ctx.logger);
  }
  await applier.finish(cursor, extra);
  // finish() parked the confirmation failures into the same lists the result refers to
  return { ...result, ...(confirmed && { confirm: confirmed }) };
}
