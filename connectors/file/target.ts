/**
 * The `records` resource as a target. Records are keyed by the binding's key field; the target id
 * is the key. Creates append (fsync once, when the connection closes); updates and deletes go to
 * the journal beside the file (fsynced per write call) and are rewritten into the file once, at the
 * end of the run (`finish`, or when the connection closes after writes without one): see journal.ts.
 * Write calls and lookups are serialised, so one connection never interleaves them.
 * Every failed write says whether the file was left as it was (`not-applied`) or may hold part of
 * the write (`unknown`); see append.ts and rewrite.ts.
 */
import type { DataRecord, TargetRecord, TargetResource, WriteOp, WriteOutcome } from '../../engine/connector/types.js';
import { asSluiceError, type SluiceError } from '../../engine/errors.js';
import { appendRecords, syncFile } from './append.js';
import { EncodeError, encodeRecord } from './encode.js';
import { recordError } from './errors.js';
import { RecordDecoder, scanSpec, type FileSpec } from './format.js';
import { KeyIndex } from '../../engine/plan/keyindex.js';
import { buildState, fileSize, keyOf, type FileState } from './file-state.js';
import { RecordReader } from './record-reader.js';
import { rewriteFile } from './rewrite.js';
import { JournalReader, encodeEntry, journalEntries, journalHas, loadJournal, type Journal } from './journal.js';
import { rm } from 'node:fs/promises';
import { fileError, parseError } from './errors.js';
import { syncDir } from './append.js';
import { decodeOrThrow } from './rows.js';
import { markWrite } from './write-outcome.js';

export type CountCall = (operation: string) => void;

const LIST_PAGE = 1000;

export class FileTarget implements TargetResource {
  /** Writes commit before the call returns: nothing commits later. */
  readonly commitWindowMs = 0;
  private state: FileState | undefined;
  private journal: Journal | undefined;
  /** This connection wrote to the journal and has not compacted it since. */
  private journaled = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly spec: FileSpec,
    private readonly keyField: string,
    private readonly count: CountCall,
  ) {}

  /**
   * When the connection closes: fsyncs what was appended since the last flush, and compacts a journal
   * this connection wrote to without a `finish` (a run that stopped early, a caller without one).
   */
  flush(): Promise<void> {
    return this.serial(async () => {
      if (this.journaled) await this.compact();
      const dirty = this.state?.dirty;
      if (!dirty || !this.state) return;
      await syncFile(this.spec.path, dirty === 'new');
      this.state.dirty = undefined;
    });
  }

  /** End of a run: the journal's updates and deletes are rewritten into the file, once. */
  finish(): Promise<void> {
    return this.serial(async () => {
      await this.loaded();
      await this.compact();
    });
  }

  private async compact(): Promise<void> {
    const journal = this.journal ?? (await loadJournal(this.spec));
    this.journaled = false;
    if (journal.state.size === 0) return;
    let state: FileState;
    try {
      state = await this.loaded();
      this.count('rewrite');
      this.state = await rewriteFile(this.spec, state, this.keyField, journal);
    } catch (err) {
      this.state = undefined;
      this.journal = undefined;
      throw err;
    }
    try {
      await rm(journal.spec.path, { force: true });
      await syncDir(journal.spec.path);
    } catch (err) {
      this.journal = undefined; // read again: applying it a second time gives the same file
      throw markWrite(
        fileError(err, journal.spec.path, 'remove'),
        'unknown',
        'the file holds the journal; the journal stays and is applied again (harmlessly) by the next run',
      );
    }
    this.journal = {
      spec: journal.spec,
      state: { index: new KeyIndex(), size: 0, columns: undefined, hasHeader: false },
    };
  }

  /** Runs `fn` after every earlier lookup/write of this target finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The file's state and its journal; rebuilt when missing or when either size changed behind our back. */
  private async loaded(): Promise<FileState> {
    if (this.state && ((await fileSize(this.spec.path)) ?? 0) !== this.state.size) this.state = undefined;
    if (this.journal && ((await fileSize(this.journal.spec.path)) ?? 0) !== this.journal.state.size)
      this.state = undefined;
    if (!this.state) {
      this.count('index');
      this.journal = undefined;
      this.state = await buildState(this.spec, this.keyField);
      this.journal = await loadJournal(this.spec);
    }
    return this.state;
  }

  private get journalNow(): Journal {
    return this.journal!;
  }

  /** Whether the target holds `key` now (the journal's last word, else the file's index). */
  private holds(key: string, state: FileState): boolean {
    const j = journalHas(this.journalNow, key);
    return j === undefined ? state.index.has(key) : j === 'live';
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
    const journal = this.journalNow;
    const fromJournal = keys.filter((key) => journalHas(journal, key) === 'live');
    if (fromJournal.length > 0) {
      const reader = await JournalReader.open(journal);
      try {
        for (const key of fromJournal) {
          const entry = await reader.entry(key);
          const record = entry?.text !== undefined ? this.decodeText(entry.text, state) : undefined;
          if (record && keyOf(record, this.keyField) === key) result.set(key, { key, id: key, record });
          else stale = true;
        }
      } finally {
        await reader.close();
      }
    }
    const hits = keys
      .filter((key) => journalHas(journal, key) === undefined)
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

  /** A record's text as the journal holds it (the target's format), decoded as the file would read it. */
  private decodeText(text: string, state: FileState): DataRecord | undefined {
    const decoder = new RecordDecoder({ ...this.spec, csv: { ...this.spec.csv, header: false } }, state.columns);
    try {
      return decoder.decode({ offset: 0, bytes: Buffer.from(text, this.spec.encoding), line: 0, col: 0 });
    } catch {
      return undefined;
    }
  }

  async *list(): AsyncIterable<TargetRecord[]> {
    this.count('list');
    const state = await this.serial(() => this.loaded());
    const journal = this.journalNow;
    const reader = journal.state.size > 0 ? await JournalReader.open(journal) : undefined;
    const changed = async (key: string): Promise<DataRecord | undefined> => {
      const entry = await reader!.entry(key);
      const record = entry?.text !== undefined ? this.decodeText(entry.text, state) : undefined;
      if (!record) throw parseError(journal.spec.path, `the journal's entry for key "${key}" cannot be read back`);
      return record;
    };
    const decoder = new RecordDecoder(this.spec);
    const listed = new KeyIndex(1024, false);
    let page: TargetRecord[] = [];
    try {
      if (state.size > 0) {
        for await (const spans of scanSpec(this.spec)) {
          for (const span of spans) {
            let record = decodeOrThrow(this.spec, decoder, span);
            const key = record && keyOf(record, this.keyField);
            if (key === undefined) continue;
            const j = reader && journalHas(journal, key);
            if (j === 'deleted') continue;
            if (j === 'live') {
              record = await changed(key);
              listed.set(key, 0);
            }
            page.push({ key, id: key, record: record! });
            if (page.length >= LIST_PAGE) {
              yield page;
              page = [];
            }
          }
        }
      }
      if (reader) {
        for await (const e of journalEntries(journal)) {
          if (e.text === undefined || listed.has(e.key)) continue;
          page.push({ key: e.key, id: e.key, record: (await changed(e.key))! });
          if (page.length >= LIST_PAGE) {
            yield page;
            page = [];
          }
        }
      }
    } catch (err) {
      if ((err as SluiceError).code === 'FILE_NOT_FOUND') return; // a target that was never written is empty
      throw err;
    } finally {
      await reader?.close();
    }
    if (page.length > 0) yield page;
  }

  /** The stored records of keys to update (rescanned once when an offset no longer holds its record). */
  private async storedRecords(keys: string[], state: FileState): Promise<Map<string, TargetRecord>> {
    const first = await this.find(keys, state);
    if (!first.stale) return first.result;
    this.state = undefined;
    return (await this.find(keys, await this.loaded())).result;
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
    /** New records appended to the file, and what goes to the journal (updates, deletes, re-creates of deleted keys). */
    const creates: { op: WriteOp; record: DataRecord }[] = [];
    const recreates: { op: WriteOp; record: DataRecord }[] = [];
    const updateOps: WriteOp[] = [];
    const entries: { op: WriteOp; key: string; text: string | undefined }[] = [];
    for (const op of ops) {
      if (seen.has(op.key)) {
        fail(op, recordError('DUPLICATE_KEY', op.key, `key "${op.key}" appears twice in one write call`));
        continue;
      }
      seen.add(op.key);
      if (op.op === 'delete') {
        if (op.action !== 'delete')
          fail(op, recordError('UNSUPPORTED_DELETE_ACTION', op.key, `the file connector cannot ${op.action} records`));
        else if (!this.holds(op.key, state))
          outcomes.set(op, { key: op.key, ok: true, id: op.key }); // already gone
        else entries.push({ op, key: op.key, text: undefined });
        continue;
      }
      const problem = this.keyProblem(op);
      if (problem) fail(op, problem);
      else if (op.op === 'update' && !this.holds(op.key, state))
        fail(op, recordError('NOT_FOUND', op.key, `no record with key "${op.key}" to update`));
      else if (op.op === 'update') updateOps.push(op);
      else if (this.holds(op.key, state))
        fail(op, recordError('DUPLICATE_KEY', op.key, `a record with key "${op.key}" already exists`));
      else if (journalHas(this.journalNow, op.key) === 'deleted') recreates.push({ op, record: op.record });
      else creates.push({ op, record: op.record });
    }
    const news = [...creates, ...recreates];
    if (this.spec.format === 'csv' && !state.columns && news.length > 0) {
      state.columns = [...new Set(news.flatMap((c) => Object.keys(c.record).filter((k) => c.record[k] !== undefined)))];
    }
    const encode = (op: WriteOp, record: DataRecord): string | undefined => {
      try {
        return encodeRecord(record, this.spec, state.columns);
      } catch (err) {
        if (!(err instanceof EncodeError)) throw err;
        fail(op, recordError(err.code, op.key, err.message, err));
        return undefined;
      }
    };
    const encoded: { op: WriteOp; key: string; text: string }[] = [];
    for (const c of creates) {
      const text = encode(c.op, c.record);
      if (text !== undefined) encoded.push({ op: c.op, key: c.op.key, text });
    }
    for (const c of recreates) {
      const text = encode(c.op, c.record);
      if (text !== undefined) entries.push({ op: c.op, key: c.op.key, text });
    }
    if (updateOps.length > 0) {
      let stored: Map<string, TargetRecord>;
      try {
        stored = await this.storedRecords(
          updateOps.map((op) => op.key),
          state,
        );
      } catch (err) {
        this.state = undefined;
        const error = markWrite(asSluiceError(err), 'not-applied'); // nothing was written yet
        for (const op of updateOps) fail(op, error);
        stored = new Map();
      }
      for (const op of updateOps) {
        if (outcomes.has(op)) continue;
        const before = stored.get(op.key);
        if (!before) {
          fail(op, recordError('NOT_FOUND', op.key, `no record with key "${op.key}" to update`));
          continue;
        }
        // The update's fields merged over the stored record; one that cannot be encoded keeps the stored record.
        const text = encode(op, { ...before.record, ...(op as WriteOp & { record: DataRecord }).record });
        if (text !== undefined) entries.push({ op, key: op.key, text });
      }
    }
    const written = async (pendingOps: WriteOp[], fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        this.state = undefined;
        const raw = asSluiceError(err);
        // append says what it left in the file; anything else cannot prove the file is unchanged.
        const error = raw.writeOutcome ? raw : markWrite(raw, 'unknown');
        for (const op of pendingOps) fail(op, error);
      }
    };
    if (encoded.length > 0) {
      await written(
        encoded.map((e) => e.op),
        async () => {
          this.count('append');
          const offsets = await appendRecords(
            this.spec,
            state,
            encoded.map((e) => e.text),
          );
          encoded.forEach((e, i) => state.index.set(e.key, offsets[i]!));
        },
      );
    }
    if (entries.length > 0) {
      await written(
        entries.map((e) => e.op),
        async () => {
          this.count('journal');
          const journal = this.journalNow;
          const isNew = journal.state.size === 0;
          const offsets = await appendRecords(journal.spec, journal.state, entries.map(encodeEntry));
          this.journaled = true;
          try {
            await syncFile(journal.spec.path, isNew);
          } catch (err) {
            throw markWrite(
              fileError(err, journal.spec.path, 'fsync'),
              'unknown',
              'the journal entries may not survive a crash',
            );
          }
          journal.state.dirty = undefined;
          entries.forEach((e, i) =>
            journal.state.index.set(e.key, e.text === undefined ? -(offsets[i]! + 1) : offsets[i]!),
          );
        },
      );
    }
    const pending = [...encoded.map((e) => e.op), ...entries.map((e) => e.op)];
    for (const op of pending) if (!outcomes.has(op)) outcomes.set(op, { key: op.key, ok: true, id: op.key });
    return ops.map((op) => outcomes.get(op)!);
  }
}
