/**
 * The planner: streams source pages, transforms each record with the compiled JSONata expression,
 * computes dedupe keys, and classifies each target record against the ledger and the target as
 * create / update / noop / locked (mirror deletes are added by mirror.ts). Operations and attention
 * entries go to a spill file as they are produced; memory stays flat however large the source is.
 */
import type {
  DataRecord,
  Mode,
  ResourceCapabilities,
  SourceResource,
  TargetRecord,
  TargetResource,
} from '../connector/types.js';
import { RecordFailure, SluiceError, describeError } from '../errors.js';
import type { LedgerEntry } from '../state/ledger.js';
import type { StateStore } from '../state/store.js';
import type { KeyFn } from '../transform/key.js';
import type { Transform } from '../transform/transform.js';
import { cursorValue, maxCursor } from './cursor.js';
import { diffRecords } from './diff.js';
import { createHash } from 'node:crypto';
import { SequenceHash, payloadHash, targetState } from './hash.js';
import { KeyIndex } from './keyindex.js';
import type { Spill } from './spill.js';
import { emptyCounts, type PlanAttention, type PlanCounts, type PlanOp } from './types.js';

export interface PlannerInput {
  pipeline: string;
  source: SourceResource;
  sourceKeyField: string;
  cursorField?: string;
  since?: string;
  pageSize?: number;
  /** Records parked in attention and marked for re-sync, processed before the source read. */
  resync: DataRecord[];
  transform: Transform;
  key: KeyFn;
  keyField: string | undefined;
  target: TargetResource;
  capabilities: ResourceCapabilities;
  /** The resource definition's static record check. */
  check?: (record: DataRecord) => string[];
  mode: Mode;
  state: StateStore;
  spill: Spill;
  onError: 'attention' | 'fail';
  /** Keep source records for the confirm-to-source hook. */
  keepSourceRecords: boolean;
  /** Planning only: the source must not change anything while it is read. */
  dryRun: boolean;
  onProgress?(counts: PlanCounts): void;
}

interface Item {
  sourceKey: string;
  record: DataRecord;
  key: string;
}

export interface PlannerResult {
  counts: PlanCounts;
  keys: KeyIndex;
  duplicates: Map<string, { sourceKey: string; payload: DataRecord }[]>;
  cursorTo: string | undefined;
  /** Records whose key is unknown (transform or key failed): mirror deletes are withheld when > 0. */
  unkeyed: number;
  sourceRecords: Map<string, DataRecord>;
}

export { RecordFailure };

export class Planner {
  readonly counts = emptyCounts();
  readonly keys = new KeyIndex(4096, false);
  /** Duplicate keys → the later records that produced them (the first is found in the spill). */
  private readonly dupKeys = new Map<string, { sourceKey: string; payload: DataRecord }[]>();
  private readonly stateHash = new SequenceHash();
  private readonly planHasher = createHash('sha256');
  private seq = 0;
  private cursorTo: string | undefined;
  private unkeyed = 0;
  private listIndex: Map<string, TargetRecord> | undefined;
  private readonly sourceRecords = new Map<string, DataRecord>();

  constructor(private readonly input: PlannerInput) {}

  private async park(att: PlanAttention): Promise<void> {
    if (this.input.onError === 'fail') {
      throw new RecordFailure(
        'RECORD_FAILED',
        `record ${att.sourceKey}: ${att.message} (on_error: fail stops the run)`,
        { recordKey: att.sourceKey },
      );
    }
    this.counts.attention++;
    await this.input.spill.add({ t: 'att', att });
  }

  /** Records one operation; `recordJson` is the record already serialised (for its hash), reused by the spill. */
  private async emit(op: Omit<PlanOp, 'seq'>, recordJson?: string): Promise<void> {
    const full: PlanOp = { seq: this.seq++, ...op };
    this.counts[op.op]++;
    if (op.op !== 'noop')
      this.planHasher.update(`${op.op}\u0000${op.key}\u0000${op.payloadHash ?? ''}\u0000${op.targetHash}\n`);
    await this.input.spill.add({ t: 'op', op: full }, recordJson);
  }

  private sourceKeyOf(record: DataRecord): string {
    const v = record[this.input.sourceKeyField];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : `#${this.counts.read}`;
  }

  async run(): Promise<PlannerResult> {
    const { input } = this;
    if (input.resync.length > 0) await this.page(input.resync, true);
    const pages = input.source.read({
      ...(input.since !== undefined && { since: input.since }),
      ...(input.cursorField !== undefined && { cursorField: input.cursorField }),
      ...(input.pageSize !== undefined && { pageSize: input.pageSize }),
      ...(input.dryRun && { dryRun: true }),
    });
    for await (const page of pages) await this.page(page, false);
    return {
      counts: this.counts,
      keys: this.keys,
      duplicates: this.dupKeys,
      cursorTo: this.cursorTo,
      unkeyed: this.unkeyed,
      sourceRecords: this.sourceRecords,
    };
  }

  /** Adds operations planned elsewhere (mirror deletes) to the plan hash. */
  addToPlanHash(op: { op: string; key: string; targetHash: string }): void {
    this.planHasher.update(`${op.op}\u0000${op.key}\u0000\u0000${op.targetHash}\n`);
  }

  /** Hash of every target record state the plan looked at; call once, after the last lookup. */
  targetStateHash(): string {
    return this.stateHash.digest();
  }

  /** Hash of every operation of the plan, in order; call once, after the last operation. */
  planHash(): string {
    return this.planHasher.digest('hex');
  }

  addTargetState(key: string, existing: TargetRecord | undefined): string {
    const h = targetState(existing);
    this.stateHash.add(`${key}=${h}`);
    return h;
  }

  private async page(records: DataRecord[], resync: boolean): Promise<void> {
    const { input } = this;
    const items: Item[] = [];
    for (const record of records) {
      this.counts.read++;
      const sourceKey = this.sourceKeyOf(record);
      if (!resync && input.cursorField)
        this.cursorTo = maxCursor(this.cursorTo, cursorValue(record[input.cursorField]));
      if (input.keepSourceRecords) this.sourceRecords.set(sourceKey, record);
      let outputs: DataRecord[];
      try {
        outputs = await input.transform.apply(record);
      } catch (err) {
        this.unkeyed++;
        await this.park({
          sourceKey,
          stage: 'transform',
          code: (err as SluiceError).code ?? 'TRANSFORM_FAILED',
          message: describeError(err),
          payload: record,
        });
        continue;
      }
      if (outputs.length === 0) this.counts.skipped++;
      for (const out of outputs) {
        let key: string;
        try {
          const k = input.key(out);
          key = typeof k === 'string' ? k : await k;
        } catch (err) {
          this.unkeyed++;
          await this.park({
            sourceKey,
            stage: 'key',
            code: (err as SluiceError).code ?? 'KEY_FAILED',
            message: describeError(err),
            payload: record,
          });
          continue;
        }
        const problems = [...(input.check?.(out) ?? []), ...(input.target.check?.(out) ?? [])];
        if (problems.length > 0) {
          this.keys.setIfAbsent(key, this.seq); // known key: mirror must not delete it
          await this.park({
            sourceKey,
            dedupeKey: key,
            stage: 'check',
            code: 'CHECK_FAILED',
            message: problems.join('; '),
            payload: record,
          });
          continue;
        }
        if (this.keys.setIfAbsent(key, this.seq) !== undefined) {
          const later = this.dupKeys.get(key) ?? [];
          later.push({ sourceKey, payload: record });
          this.dupKeys.set(key, later);
          continue;
        }
        items.push({ sourceKey, record: out, key });
      }
    }
    if (items.length > 0) await this.classify(items);
    input.onProgress?.(this.counts);
  }

  /** Existing target records for these keys: by the key field, or through an index of `list()`. */
  async existing(keys: string[]): Promise<Map<string, TargetRecord>> {
    const { input } = this;
    if (input.keyField !== undefined) return input.target.lookup(keys);
    if (!this.listIndex) {
      this.listIndex = new Map();
      if (!input.target.list)
        throw new SluiceError(
          'KEY_EXPRESSION_UNSUPPORTED',
          'the target cannot list its records, so it cannot be matched by a key expression',
        );
      for await (const page of input.target.list()) {
        for (const rec of page) {
          try {
            const k = input.key(rec.record);
            this.listIndex.set(typeof k === 'string' ? k : await k, rec);
          } catch {
            // a target record without a computable key cannot match any source record
          }
        }
      }
    }
    const out = new Map<string, TargetRecord>();
    for (const k of keys) {
      const r = this.listIndex.get(k);
      if (r) out.set(k, r);
    }
    return out;
  }

  private async classify(items: Item[]): Promise<void> {
    const { input } = this;
    const keys = items.map((i) => i.key);
    const existing = await this.existing(keys);
    // The ledger only changes the outcome for keys the target holds (adopt or not), and, for posted
    // (immutable) resources, for keys it lacks (written before, so never posted again).
    const ledgerKeys = input.capabilities.immutable ? keys : keys.filter((k) => existing.has(k));
    const ledger =
      ledgerKeys.length > 0 ? await input.state.ledgerGet(input.pipeline, ledgerKeys) : new Map<string, LedgerEntry>();
    for (const item of items) {
      const ex = existing.get(item.key);
      const le = ledger.get(item.key);
      const targetHash = this.addTargetState(item.key, ex);
      const json = JSON.stringify(item.record);
      const base = { key: item.key, sourceKey: item.sourceKey, targetHash, payloadHash: payloadHash(json) };
      if (!ex) {
        if (le && le.status === 'written' && input.capabilities.immutable) {
          const reason = `the ledger records key ${item.key} as written (target id ${le.targetId ?? '?'}, run ${le.runId}) but the target has no record with that key; it is not posted again. Check the target, then re-sync the record to post it anew`;
          await this.emit({ ...base, op: 'locked', reason, ...(le.targetId && { targetId: le.targetId }) });
          await this.park({
            sourceKey: item.sourceKey,
            dedupeKey: item.key,
            stage: 'locked',
            code: 'LEDGER_TARGET_MISSING',
            message: reason,
            payload: item.record,
          });
          continue;
        }
        await this.emit({ ...base, op: 'create', record: item.record }, json);
        continue;
      }
      const changes = diffRecords(item.record, ex.record);
      // A deactivated target record is brought back, unless the source itself says it is inactive.
      const inactive = ex.active === false && item.record.active !== false;
      if ((changes.length === 0 && !inactive) || (inactive && input.mode === 'create' && changes.length === 0)) {
        const adopt = !le || le.status !== 'written' || le.targetId !== ex.id;
        await this.emit({ ...base, op: 'noop', targetId: ex.id, ...(adopt && { adopt: true }) });
        continue;
      }
      if (ex.locked || input.capabilities.immutable || input.mode === 'create') {
        const why =
          ex.locked ??
          (input.capabilities.immutable
            ? 'posted records are never changed'
            : 'mode create never updates existing records');
        const fields = changes
          .map((c) => c.path)
          .slice(0, 10)
          .join(', ');
        const reason = `target record ${ex.id} for key ${item.key} differs from the source (${fields}${changes.length > 10 ? ', …' : ''}) and is locked: ${why}`;
        await this.emit({ ...base, op: 'locked', targetId: ex.id, changes, reason });
        await this.park({
          sourceKey: item.sourceKey,
          dedupeKey: item.key,
          stage: 'locked',
          code: 'TARGET_LOCKED',
          message: reason,
          payload: item.record,
        });
        continue;
      }
      await this.emit(
        {
          ...base,
          op: 'update',
          record: item.record,
          targetId: ex.id,
          changes,
          before: ex.record,
          ...(inactive && { reactivate: true }),
        },
        json,
      );
    }
  }
}
