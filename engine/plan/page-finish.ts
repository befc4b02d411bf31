/**
 * A page, second half (see planner.ts): every effect — parked, noop, keyed, held, checked,
 * classified — in record order.
 */
import type { DataRecord } from '../connector/types.js';
import { describeError, type ReasonClass, type SluiceError } from '../errors.js';
import { recordValueProblem } from '../transform/record-values.js';
import { routeKey } from '../transform/route.js';
import type { TransformOutcome } from '../transform/transform.js';
import { classify, type Item } from './classify.js';
import type { PlannerInput, PlannerRun, Prepared } from './planner-types.js';
import type { PlanAttention } from './types.js';

const RAW_LIMIT = 2000;

/** A page, second half: every effect — parked, noop, keyed, classified — in record order. */
export async function finishPage(run: PlannerRun, { rejected, steps, transformed: pending }: Prepared): Promise<void> {
  const { input, out, ctx, park, heldRefused } = run;
  for (const row of rejected) {
    out.rejected++;
    out.unkeyed++;
    const sourceKey = (input.rejectKeysMatch ? row.key : undefined) ?? row.location;
    out.rejectedKeys.push(sourceKey);
    const raw = row.raw.length > RAW_LIMIT ? `${row.raw.slice(0, RAW_LIMIT)}…` : row.raw;
    await park({
      sourceKey,
      stage: 'read',
      code: row.code,
      reasonClass: 'data',
      message: `${row.location}: ${row.message}`,
      payload: { location: row.location, raw },
    });
  }
  const transformed: TransformOutcome[] = pending ? await pending.result() : [];
  const keyed: Item[] = [];
  const items: Item[] = [];
  for (const step of steps) {
    const { record, sourceKey } = step;
    if (step.kind === 'bad') {
      out.unkeyed++;
      out.rejected++;
      out.rejectedKeys.push(sourceKey);
      await park({
        sourceKey,
        stage: 'read',
        code: step.problem.code,
        message: step.problem.message,
        payload: { raw: safeJson(record) },
      });
      continue;
    }
    if (step.kind === 'same') {
      out.reused++;
      for (const e of step.rows) {
        if (out.keys.setIfAbsent(e.key, 0) !== undefined) {
          const later = out.duplicates.get(e.key) ?? [];
          later.push({ sourceKey, payload: record });
          out.duplicates.set(e.key, later);
          continue;
        }
        await input.spill.add({
          t: 'op',
          op: {
            op: 'noop',
            key: e.key,
            sourceKey,
            targetHash: e.targetHash ?? 'unchanged',
            payloadHash: e.payloadHash ?? '',
            targetId: e.targetId!,
            unchanged: true,
          },
        });
      }
      continue;
    }
    const { forced, fp, sourceFp } = step;
    // Refused by the target before, nothing it depends on changed, its retry time not come.
    const refusedSame = sourceFp !== undefined && input.refused?.get(sourceKey) === sourceFp;
    const result = transformed[step.n]!;
    if (!result.ok) {
      out.unkeyed++;
      await park(failure(sourceKey, 'transform', 'TRANSFORM_FAILED', result.error, record));
      continue;
    }
    const outputs = result.outputs;
    if (outputs.length === 0) out.skipped++;
    for (const target of outputs) {
      let key: string;
      try {
        const kv = input.key(target);
        key = typeof kv === 'string' ? kv : await kv;
      } catch (err) {
        out.unkeyed++;
        await park(failure(sourceKey, 'key', 'KEY_FAILED', err, record));
        continue;
      }
      if (input.route) {
        const routed = await input.route(target, record);
        const r = routed.ok ? routeKey(routed.connection, key) : routed;
        if (!r.ok) {
          out.unkeyed++; // its routed key is unknown: mirror deletes are withheld
          await park({
            sourceKey,
            dedupeKey: key,
            stage: 'key',
            code: r.code,
            reasonClass: r.reasonClass,
            message: r.message,
            payload: record,
          });
          continue;
        }
        key = r.key!;
      }
      const valueProblem = recordValueProblem(target, 'the transform result');
      if (valueProblem) {
        out.keys.setIfAbsent(key, 0); // a known key: mirror must not delete its target record
        await park({
          sourceKey,
          dedupeKey: key,
          stage: 'transform',
          code: valueProblem.code,
          message: valueProblem.message,
          payload: record,
        });
        continue;
      }
      if (!forced && (input.hold?.has(sourceKey) || refusedSame)) {
        out.keys.setIfAbsent(key, 0); // a known key: mirror must not delete its target record
        out.sourceRecords.delete(sourceKey); // and nothing is confirmed to the source for it
        if (refusedSame) heldRefused.add(sourceKey);
        else out.held++;
        continue;
      }
      keyed.push({
        sourceKey,
        record: target,
        key,
        source: record,
        ...(fp !== undefined && { fingerprint: { fp, outputs: outputs.length } }),
        ...(sourceFp !== undefined && { sourceFp }),
        ...(forced && { resync: true as const }),
      });
    }
  }
  for (const item of await prepareForTarget(input, keyed)) {
    const { sourceKey, key } = item;
    const problems = 'refused' in item ? [] : input.check(item.record, key);
    if ('refused' in item || problems.length > 0) {
      out.keys.setIfAbsent(key, 0); // a known key: mirror must not delete its target record
      await park({
        sourceKey,
        dedupeKey: key,
        stage: 'check',
        code: 'refused' in item ? item.refused.code : 'CHECK_FAILED',
        ...('refused' in item && item.refused.reasonClass && { reasonClass: item.refused.reasonClass }),
        message: 'refused' in item ? item.refused.message : problems.join('; '),
        payload: item.source,
        // refused by the target (not by a static check): held while nothing it depends on changes
        ...('refused' in item && item.sourceFp !== undefined && { sourceFp: item.sourceFp }),
      });
      continue;
    }
    if (out.keys.setIfAbsent(key, 0) !== undefined) {
      const later = out.duplicates.get(key) ?? [];
      later.push({ sourceKey, payload: item.source });
      out.duplicates.set(key, later);
      continue;
    }
    items.push(item);
  }
  if (items.length > 0) await classify(ctx, items);
  input.onProgress?.({ read: out.read, attention: run.attention });
}

/** The page's records as the target completes them (rates, periods), or why it refuses one. */
async function prepareForTarget(
  input: PlannerInput,
  list: Item[],
): Promise<
  (Item | (Omit<Item, 'record'> & { refused: { code: string; message: string; reasonClass?: ReasonClass } }))[]
> {
  if (!input.prepareRecords || list.length === 0) return list;
  const results = await input.prepareRecords(
    list.map((i) => i.record),
    list.map((i) => i.key),
  );
  return list.map((item, i) => {
    const r = results[i];
    if (!r) return { ...item, refused: { code: 'PREPARE_FAILED', message: 'the target returned no prepared record' } };
    if (!r.ok)
      return {
        ...item,
        refused: { code: r.code, message: r.message, ...(r.reasonClass && { reasonClass: r.reasonClass }) },
      };
    return { ...item, record: r.record, ...(r.notes?.length && { notes: r.notes }) };
  });
}

function failure(sourceKey: string, stage: 'transform' | 'key', code: string, err: unknown, payload: DataRecord) {
  const e = err as SluiceError;
  return {
    sourceKey,
    stage,
    code: typeof e.code === 'string' ? e.code : code,
    ...(typeof e.reasonClass === 'string' && { reasonClass: e.reasonClass }),
    message: describeError(err),
    payload,
  } satisfies PlanAttention;
}

/** JSON of a record that may hold values JSON cannot carry (shown, never parsed back). */
function safeJson(record: DataRecord): string {
  try {
    const text = JSON.stringify(record, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    );
    return text.length > RAW_LIMIT ? `${text.slice(0, RAW_LIMIT)}…` : text;
  } catch {
    return '(not representable as JSON)';
  }
}
