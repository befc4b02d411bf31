/**
 * The `records` resource as a target. Records are keyed by the binding's key field; the target id
 * is the key. Creates append (fsync once, when the connection closes); updates and deletes rewrite
 * the file atomically. Write calls and lookups are serialised, so one connection never interleaves them.
 * Every failed write says whether the file was left as it was (`not-applied`) or may hold part of
 * the write (`unknown`); see append.ts and rewrite.ts.
 */
import type { DataRecord, TargetRecord, TargetResource, WriteOp, WriteOutcome } from '../../engine/connector/types.js';
import { asSluiceError, type SluiceError } from '../../engine/errors.js';
import { appendRecords, syncFile } from './append.js';
import { EncodeError, encodeRecord } from './encode.js';
import { recordError } from './errors.js';
import { RecordDecoder, scanSpec, type FileSpec } from './format.js';
import { buildState, fileSize, keyOf, type FileState } from './file-state.js';
import { RecordReader } from './record-reader.js';
import { rewriteFile } from './rewrite.js';
import { decodeOrThrow } from './rows.js';
import { markWrite } from './write-outcome.js';

export type CountCall = (operation: string) => void;

const LIST_PAGE = 1000;

export class FileTarget implements TargetResource {
  /** Writes commit before the call returns: nothing commits later. */
  readonly commitWindowMs = 0;
  private state: FileState | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly spec: FileSpec,
    private readonly keyField: string,
    private readonly count: CountCall,
  ) {}

  /** fsyncs what was appended since the last flush (called when the connection closes). */
  flush(): Promise<void> {
    return this.serial(async () => {
      const dirty = this.state?.dirty;
      if (!dirty || !this.state) return;
      await syncFile(this.spec.path, dirty === 'new');
      this.state.dirty = undefined;
    });
  }

  /** Runs `fn` after every earlier lookup/write of this target finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The file's state; rebuilt when missing or when the file's size changed behind our back. */
  private async loaded(): Promise<FileState> {
    if (this.state && ((await fileSize(this.spec.path)) ?? 0) !== this.state.size) this.state = undefined;
    if (!this.state) {
      this.count('index');
      this.state = await buildState(this.spec, this.keyField);
    }
    return this.state;
  }

  lookup(keys: string[]): Promise<Map<string, TargetRecord>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return this.serial(async () => {
      try {
        const first = await this.find(keys, await this.loaded());
        if (!first.stale) return first.result;
        // An offset no longer holds its record (the file changed behind our back): rescan once.
        this.state = undefined;
        return (await this.find(keys, await this.loaded())).result;
      } catch (err) {
        this.state = undefined;
        throw err;
      }
    });
  }

  /** The records for `keys`; `stale` when an indexed offset did not hold its key (then that key is left out). */
  private async find(keys: string[], state: FileState): Promise<{ result: Map<string, TargetRecord>; stale: boolean }> {
    this.count('lookup');
    const result = new Map<string, TargetRecord>();
    let stale = false;
    const hits = keys
      .map((key) => ({ key, offset: state.index.get(key) }))
      .filter((h): h is { key: string; offset: number } => h.offset !== undefined)
      .sort((a, b) => a.offset - b.offset);
    if (hits.length === 0) return { result, stale };
    const reader = await RecordReader.open(this.spec, state.columns);
    try {
      for (const { key, offset } of hits) {
        const record = await reader.at(offset);
        if (record && keyOf(record, this.keyField) === key) result.set(key, { key, id: key, record });
        else stale = true;
      }
    } finally {
      await reader.close();
    }
    return { result, stale };
  }

  async *list(): AsyncIterable<TargetRecord[]> {
    this.count('list');
    const decoder = new RecordDecoder(this.spec);
    let page: TargetRecord[] = [];
    try {
      for await (const spans of scanSpec(this.spec)) {
        for (const span of spans) {
          const record = decodeOrThrow(this.spec, decoder, span);
          const key = record && keyOf(record, this.keyField);
          if (key === undefined) continue;
          page.push({ key, id: key, record: record! });
          if (page.length >= LIST_PAGE) {
            yield page;
            page = [];
          }
        }
      }
    } catch (err) {
      if ((err as SluiceError).code === 'FILE_NOT_FOUND') return; // a target that was never written is empty
      throw err;
    }
    if (page.length > 0) yield page;
  }

  write(ops: WriteOp[]): Promise<WriteOutcome[]> {
    return this.serial(() => this.apply(ops));
  }

  private keyProblem(op: WriteOp & { record: DataRecord }): SluiceError | undefined {
    const key = keyOf(op.record, this.keyField);
    if (key === undefined)
      return recordError('KEY_MISSING', op.key, `the record has no "${this.keyField}" (the key field)`);
    if (key !== op.key)
      return recordError(
        'KEY_MISMATCH',
        op.key,
        `the record's "${this.keyField}" is "${key}", not its key "${op.key}"`,
      );
    return undefined;
  }

  private async apply(ops: WriteOp[]): Promise<WriteOutcome[]> {
    const outcomes = new Map<WriteOp, WriteOutcome>();
    // Record problems are found before anything is written; write failures say what they left.
    const fail = (op: WriteOp, error: SluiceError): void => {
      outcomes.set(op, { key: op.key, ok: false, error: error.writeOutcome ? error : markWrite(error, 'not-applied') });
    };
    let state: FileState;
    try {
      state = await this.loaded();
    } catch (err) {
      this.state = undefined;
      const error = markWrite(asSluiceError(err), 'not-applied'); // the file could not be read: nothing written
      return ops.map((op) => ({ key: op.key, ok: false, error }));
    }
    const seen = new Set<string>();
    const creates: { op: WriteOp; record: DataRecord }[] = [];
    const updates = new Map<string, DataRecord>();
    const updateOps: WriteOp[] = [];
    const deletes = new Set<string>();
    const deleteOps: WriteOp[] = [];
    for (const op of ops) {
      if (seen.has(op.key)) {
        fail(op, recordError('DUPLICATE_KEY', op.key, `key "${op.key}" appears twice in one write call`));
        continue;
      }
      seen.add(op.key);
      if (op.op === 'delete') {
        if (op.action !== 'delete')
          fail(op, recordError('UNSUPPORTED_DELETE_ACTION', op.key, `the file connector cannot ${op.action} records`));
        else if (!state.index.has(op.key))
          outcomes.set(op, { key: op.key, ok: true, id: op.key }); // already gone
        else {
          deletes.add(op.key);
          deleteOps.push(op);
        }
        continue;
      }
      const problem = this.keyProblem(op);
      if (problem) fail(op, problem);
      else if (op.op === 'update' && !state.index.has(op.key))
        fail(op, recordError('NOT_FOUND', op.key, `no record with key "${op.key}" to update`));
      else if (op.op === 'update') {
        updates.set(op.key, op.record);
        updateOps.push(op);
      } else if (state.index.has(op.key))
        fail(op, recordError('DUPLICATE_KEY', op.key, `a record with key "${op.key}" already exists`));
      else creates.push({ op, record: op.record });
    }
    if (this.spec.format === 'csv' && !state.columns && creates.length > 0) {
      state.columns = [
        ...new Set(creates.flatMap((c) => Object.keys(c.record).filter((k) => c.record[k] !== undefined))),
      ];
    }
    const encoded: { op: WriteOp; key: string; text: string }[] = [];
    for (const c of creates) {
      try {
        encoded.push({ op: c.op, key: c.op.key, text: encodeRecord(c.record, this.spec, state.columns) });
      } catch (err) {
        if (!(err instanceof EncodeError)) throw err;
        fail(c.op, recordError(err.code, c.op.key, err.message, err));
      }
    }
    const pending = [...encoded.map((e) => e.op), ...updateOps, ...deleteOps];
    try {
      if (updates.size > 0 || deletes.size > 0) {
        this.count('rewrite');
        const result = await rewriteFile(this.spec, state, this.keyField, { updates, deletes, creates: encoded });
        this.state = result.state;
        for (const [key, err] of result.failed) {
          fail(
            updateOps.find((op) => op.key === key)!,
            recordError(err.code, key, err.message, err),
          );
        }
      } else if (encoded.length > 0) {
        this.count('append');
        const offsets = await appendRecords(
          this.spec,
          state,
          encoded.map((e) => e.text),
        );
        encoded.forEach((e, i) => state.index.set(e.key, offsets[i]!));
      }
    } catch (err) {
      this.state = undefined;
      const raw = asSluiceError(err);
      // append/rewrite say what they left in the file; anything else cannot prove the file is unchanged.
      const error = raw.writeOutcome ? raw : markWrite(raw, 'unknown');
      for (const op of pending) fail(op, error);
    }
    for (const op of pending) if (!outcomes.has(op)) outcomes.set(op, { key: op.key, ok: true, id: op.key });
    return ops.map((op) => outcomes.get(op)!);
  }
}
