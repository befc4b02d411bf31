/**
 * The planner: streams source pages, checks each record's values, transforms it with the compiled
 * JSONata expression, computes dedupe keys, and classifies each target record against the ledger
 * (with pending creates settled, see settle.ts) and the target as create / update / noop / locked /
 * in-doubt. Operations and attention entries go to a spill as they are produced; memory stays flat
 * however large the source is. Rows the source cannot read, and records that fail, are parked with
 * their reason; the others go on.
 */
import type {
  DataRecord,
  Mode,
  RejectedRow,
  ResourceCapabilities,
  SourceResource,
  TargetResource,
} from '../connector/types.js';
import { RecordFailure, describeError, type ReasonClass, type SluiceError } from '../errors.js';
import type { LedgerEntry } from '../state/ledger.js';
import type { KeyFn } from '../transform/key.js';
import { recordValueProblem } from '../transform/record-values.js';
import type { TransformJob, Transformer } from '../transform/transform-pool.js';
import type { TransformOutcome } from '../transform/transform.js';
import { routeKey, type RouteFn } from '../transform/route.js';
import { compareCursor, cursorValue } from './cursor.js';
import { KeyIndex } from './keyindex.js';
import { classify, type ClassifyContext, type Item } from './classify.js';
import { pageFingerprints, recordFingerprint, type UnchangedInput } from './unchanged.js';
import type { Settlement } from './settle.js';
import type { Spill } from './spill.js';
import type { PlanAttention } from './types.js';

const RAW_LIMIT = 2000;

export interface PlannerInput {
  pipeline: string;
  source: SourceResource;
  sourceKeyField: string;
  /** The source's own key field is the pipeline's source key: a rejected row's `key` names the record. */
  rejectKeysMatch: boolean;
  cursorField?: string;
  since?: string;
  /** See ReadRequest.sinceKey. */
  sinceKey?: string;
  pageSize?: number;
  /** Parked records processed again (marked for re-sync, or settled absent), by source key; a record the source returns again is taken from the source instead. */
  resync: ReadonlyMap<string, DataRecord>;
  /**
   * Source keys an operator asked to re-sync: never skipped as unchanged, and a record the ledger
   * says was posted but the target does not have is posted anew (the operator checked the target).
   */
  forced?: ReadonlySet<string>;
  /** Source keys not attempted in this run (transient failures waiting for their retry time); their keys stay known. */
  hold?: ReadonlySet<string>;
  /**
   * Records the target refused whose retry time has not come: source key → the fingerprint they were
   * refused with. Held (not attempted, their keys known) while their fingerprint is the same.
   */
  refused?: ReadonlyMap<string, string>;
  /**
   * Every open target refusal, due or not: source key → the fingerprint it was refused with. A
   * record with that fingerprint is not skipped as unchanged (its ledger rows say the target holds
   * what it produces; the refusal says the target was found to differ): it is held while `refused`
   * has it, else sent again.
   */
  refusedWith?: ReadonlyMap<string, string>;
  /**
   * The context of each record's fingerprint (unchanged.ts; the same as `unchanged.context`): every
   * record's is computed, so that a refusal by the target stores it and `refused` can be decided.
   */
  fingerprintContext?: string;
  /** The transform (Transform, or a TransformPool evaluating it on threads too). */
  transform: Transformer;
  key: KeyFn;
  capabilities: ResourceCapabilities;
  /** What a changed posted record becomes (target.corrections; default lock). */
  corrections?: 'lock' | 'reverse-and-repost';
  /** The resource's static record checks and the opened target's (`key`: the record's dedupe key, routed when routed). */
  check(record: DataRecord, key: string): string[];
  /**
   * A routed target: chooses each target record's connection; its dedupe key becomes
   * `connection/key` (see transform/route.ts). A record it cannot route is parked.
   */
  route?: RouteFn;
  /** A routed pipeline: its connections (the summary's counts per connection; records posted under another one). */
  routeConnections?: readonly string[];
  /** Skip unchanged source records (absent: every record is transformed). */
  unchanged?: UnchangedInput;
  /** The target completes records before they are planned (TargetResource.prepareRecords), with their dedupe keys. */
  prepareRecords?(records: DataRecord[], keys: string[]): ReturnType<NonNullable<TargetResource['prepareRecords']>>;
  mode: Mode;
  ledger(keys: string[]): Promise<Map<string, LedgerEntry>>;
  lookup: ClassifyContext['lookup'];
  settlement: Settlement;
  spill: Spill;
  onError: 'attention' | 'fail';
  /** Keep source records for the confirm-to-source hook. */
  keepSourceRecords: boolean;
  /** Planning only: the source must not change anything while it is read. */
  dryRun: boolean;
  signal?: AbortSignal;
  onProgress?(progress: { read: number; attention: number }): void;
}

export interface PlannerResult {
  read: number;
  rejected: number;
  skipped: number;
  /** Every dedupe key the source produced (mirror deletes spare them). */
  keys: KeyIndex;
  /** Duplicate keys → the later records that produced them (the first one's op is in the spill). */
  duplicates: Map<string, { sourceKey: string; payload: DataRecord }[]>;
  cursorTo: string | undefined;
  /** The source key of the last record read at `cursorTo`. */
  cursorKeyTo: string | undefined;
  /** Records whose key is unknown (unreadable, transform or key failed): mirror deletes are withheld when > 0. */
  unkeyed: number;
  sourceRecords: Map<string, DataRecord>;
  /** The source read was complete and not incremental: every row it has was seen. */
  completeRead: boolean;
  /** Source keys of rows the source could not read (stage read), this run. */
  rejectedKeys: string[];
  /** Unchanged source records planned as noops without evaluating their transform. */
  reused: number;
  /** The keys of `forced` the source (or a stored record) had. */
  forcedSeen: Set<string>;
  /** Records of `hold` the source returned, left for a later run. */
  held: number;
  /** Records of `refused` the source returned unchanged, left for their retry time. */
  heldRefused: number;
}

/** Runs the source through transform, keys and classification into `input.spill`. */
export async function runPlanner(input: PlannerInput): Promise<PlannerResult> {
  const out: PlannerResult = {
    read: 0,
    rejected: 0,
    skipped: 0,
    keys: new KeyIndex(4096, false),
    duplicates: new Map(),
    cursorTo: undefined,
    cursorKeyTo: undefined,
    unkeyed: 0,
    sourceRecords: new Map(),
    completeRead: input.since === undefined,
    rejectedKeys: [],
    reused: 0,
    forcedSeen: new Set(),
    held: 0,
    heldRefused: 0,
  };
  const heldRefused = new Set<string>();
  let attention = 0;
  const park = async (att: PlanAttention): Promise<void> => {
    if (input.onError === 'fail') {
      throw new RecordFailure(
        'RECORD_FAILED',
        `record ${att.sourceKey}: ${att.message} (on_error: fail stops the run)`,
        { recordKey: att.sourceKey },
      );
    }
    attention++;
    await input.spill.add({ t: 'att', att });
  };
  const ctx: ClassifyContext = {
    lookup: input.lookup,
    ledger: input.ledger,
    settlement: input.settlement,
    capabilities: input.capabilities,
    mode: input.mode,
    corrections: input.corrections ?? 'lock',
    ...(input.routeConnections && { routeConnections: input.routeConnections }),
    keepTargetRecords: input.keepSourceRecords,
    spill: input.spill,
    park,
  };
  /** The page's records as the target completes them (rates, periods), or why it refuses one. */
  const prepared = async (
    list: Item[],
  ): Promise<
    (Item | (Omit<Item, 'record'> & { refused: { code: string; message: string; reasonClass?: ReasonClass } }))[]
  > => {
    if (!input.prepareRecords || list.length === 0) return list;
    const results = await input.prepareRecords(
      list.map((i) => i.record),
      list.map((i) => i.key),
    );
    return list.map((item, i) => {
      const r = results[i];
      if (!r)
        return { ...item, refused: { code: 'PREPARE_FAILED', message: 'the target returned no prepared record' } };
      if (!r.ok)
        return {
          ...item,
          refused: { code: r.code, message: r.message, ...(r.reasonClass && { reasonClass: r.reasonClass }) },
        };
      return { ...item, record: r.record, ...(r.notes?.length && { notes: r.notes }) };
    });
  };
  const resync = new Map(input.resync);
  const rejects: RejectedRow[] = [];

  type Step =
    | { kind: 'bad'; record: DataRecord; sourceKey: string; problem: { code: string; message: string } }
    | { kind: 'same'; record: DataRecord; sourceKey: string; rows: LedgerEntry[] }
    | {
        kind: 'eval';
        record: DataRecord;
        sourceKey: string;
        forced: boolean;
        /** For the ledger (unchanged-source skipping). */
        fp: string | undefined;
        /** For attention (a refusal by the target): also without unchanged-source skipping. */
        sourceFp: string | undefined;
        n: number;
      };
  interface Prepared {
    rejected: RejectedRow[];
    steps: Step[];
    transformed: TransformJob | undefined;
  }

  /**
   * A page, first half: what each record needs, in order, and its transforms started (on threads
   * when the pool has them). Nothing here touches the plan, so the next page is prepared while the
   * previous one is finished: the threads evaluate one page while the main thread classifies another.
   */
  const prepare = async (records: DataRecord[], fromResync: boolean): Promise<Prepared> => {
    input.signal?.throwIfAborted();
    const rejected = rejects.splice(0);
    const fingerprints =
      input.unchanged && !fromResync
        ? await pageFingerprints(input.unchanged, keyedRecords(records, input.sourceKeyField))
        : undefined;
    const steps: Step[] = [];
    const toTransform: DataRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      out.read++;
      const k = record[input.sourceKeyField];
      const sourceKey = typeof k === 'string' || typeof k === 'number' ? String(k) : `#${out.read}`;
      if (!fromResync) resync.delete(sourceKey);
      const forced = input.forced?.has(sourceKey) === true;
      if (forced) out.forcedSeen.add(sourceKey);
      const bad = recordValueProblem(record, 'the source record');
      if (bad) {
        steps.push({ kind: 'bad', record, sourceKey, problem: bad });
        continue;
      }
      if (!fromResync && input.cursorField) {
        const v = cursorValue(record[input.cursorField]);
        if (v !== undefined && (out.cursorTo === undefined || compareCursor(v, out.cursorTo) >= 0)) {
          out.cursorTo = v;
          out.cursorKeyTo = sourceKey;
        }
      }
      if (input.keepSourceRecords) out.sourceRecords.set(sourceKey, input.source.confirmKeeps?.(record) ?? record);
      const fp = fingerprints?.fp.get(sourceKey);
      const refusedAsIs = fp !== undefined && input.refusedWith?.get(sourceKey) === fp;
      const same = forced || refusedAsIs ? undefined : fingerprints?.skip.get(sourceKey);
      if (same) {
        steps.push({ kind: 'same', record, sourceKey, rows: same });
        continue;
      }
      const context = input.fingerprintContext;
      steps.push({
        kind: 'eval',
        record,
        sourceKey,
        forced,
        fp,
        sourceFp: fp ?? (context !== undefined ? recordFingerprint(context, record) : undefined),
        n: toTransform.length,
      });
      toTransform.push(record);
    }
    const transformed = toTransform.length > 0 ? input.transform.start(toTransform) : undefined;
    return { rejected, steps, transformed };
  };

  /** A page, second half: every effect — parked, noop, keyed, classified — in record order. */
  const finish = async ({ rejected, steps, transformed: pending }: Prepared): Promise<void> => {
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
    for (const item of await prepared(keyed)) {
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
    input.onProgress?.({ read: out.read, attention });
  };

  const pages = input.source.read({
    ...(input.since !== undefined && { since: input.since }),
    ...(input.cursorField !== undefined && { cursorField: input.cursorField }),
    ...(input.sinceKey !== undefined && { sinceKey: input.sinceKey }),
    ...(input.pageSize !== undefined && { pageSize: input.pageSize }),
    ...(input.dryRun && { dryRun: true }),
    ...(input.signal && { signal: input.signal }),
    reject: (row) => rejects.push(row),
  });
  // One page is finished while the next is prepared (and transformed).
  let finishing: Promise<void> = Promise.resolve();
  const page = async (records: DataRecord[], fromResync: boolean): Promise<void> => {
    const next = await prepare(records, fromResync);
    await finishing;
    finishing = finish(next);
    finishing.catch(() => undefined); // awaited before the next page, or below
  };
  try {
    for await (const p of pages) await page(p, false);
    await page([], false); // rejects reported after the last page
    // Parked records the source did not return again are processed from their stored payload.
    const rest = [...resync.values()];
    for (let i = 0; i < rest.length; i += 500) await page(rest.slice(i, i + 500), true);
  } catch (err) {
    await finishing.catch(() => undefined); // nothing goes on writing the plan after a failure
    throw err;
  }
  await finishing;
  out.heldRefused = heldRefused.size;
  return out;
}

/** The records of a page whose source key field holds a value (only those can be recognised again). */
function keyedRecords(records: DataRecord[], field: string): { sourceKey: string; record: DataRecord }[] {
  const out: { sourceKey: string; record: DataRecord }[] = [];
  for (const record of records) {
    const k = record[field];
    if (typeof k === 'string' || typeof k === 'number') out.push({ sourceKey: String(k), record });
  }
  return out;
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
