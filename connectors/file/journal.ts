/**
 * The file target's journal: updates and deletes are not rewritten into the target file one write
 * call at a time (a whole-file rewrite per 500 updates is quadratic in a run's size); they are
 * appended to a JSON Lines file beside it, `.<name>.journal`, one write and one fsync per write call.
 * `compact` (the target's `finish`, at the end of a run) rewrites the target once with the journal
 * applied — temp file + rename, so a reader sees the old file or the new one, never a mix — and
 * then removes the journal. Until then lookups and lists read through the journal.
 *
 * An entry is `{"k": key, "t": text}` (the record as the target file will hold it, already encoded
 * in the target's format and encoding) or `{"k": key}` (deleted); the last entry of a key wins.
 * Applying a journal twice gives the same file, so one left behind (a run that died, a compaction
 * whose removal of the journal failed) is simply read again and compacted by the next run.
 */
import { truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DataRecord } from '../../engine/connector/types.js';
import { KeyIndex } from '../../engine/plan/keyindex.js';
import { fileError, parseError } from './errors.js';
import { RecordDecoder, scanSpec, type FileSpec } from './format.js';
import { fileSize, type FileState } from './file-state.js';
import { RecordReader } from './record-reader.js';

export interface JournalEntry {
  key: string;
  /** The record's text in the target file; undefined when the key was deleted. */
  text: string | undefined;
}

export interface Journal {
  spec: FileSpec;
  /** key → offset of its last entry (as `-(offset + 1)` when that entry deletes it), size, dirty. */
  state: FileState;
}

export function journalSpec(spec: FileSpec): FileSpec {
  const name = `.${basename(spec.path)}.journal`;
  return {
    path: join(dirname(spec.path), name),
    name: join(dirname(spec.name), name),
    format: 'jsonl',
    encoding: 'utf8',
    csv: { delimiter: ',', header: false },
  };
}

export function encodeEntry(entry: JournalEntry): string {
  return JSON.stringify(entry.text === undefined ? { k: entry.key } : { k: entry.key, t: entry.text });
}

function entryOf(record: DataRecord | undefined): JournalEntry | undefined {
  if (!record || typeof record.k !== 'string') return undefined;
  if (record.t === undefined) return { key: record.k, text: undefined };
  return typeof record.t === 'string' ? { key: record.k, text: record.t } : undefined;
}

/** The journal beside the target (empty when there is none). A torn last line (an unacknowledged append cut short) is cut off. */
export async function loadJournal(spec: FileSpec): Promise<Journal> {
  const jspec = journalSpec(spec);
  const index = new KeyIndex();
  const empty = { index, size: 0, columns: undefined, hasHeader: false };
  const size = await fileSize(jspec.path);
  if (size === undefined || size === 0) return { spec: jspec, state: empty };
  const decoder = new RecordDecoder(jspec);
  let torn: number | undefined;
  for await (const spans of scanSpec(jspec)) {
    for (const span of spans) {
      if (torn !== undefined)
        throw parseError(jspec.path, `line ${span.line}: the journal of ${spec.name} is damaged before its last line`);
      let entry: JournalEntry | undefined;
      try {
        entry = entryOf(decoder.decode(span));
      } catch {
        entry = undefined;
      }
      if (!entry) torn = span.offset;
      else index.set(entry.key, entry.text === undefined ? -(span.offset + 1) : span.offset);
    }
  }
  if (torn !== undefined) {
    try {
      await truncate(jspec.path, torn);
    } catch (err) {
      throw fileError(err, jspec.path, 'truncate');
    }
  }
  return { spec: jspec, state: { ...empty, size: torn ?? (await fileSize(jspec.path)) ?? 0 } };
}

/** Whether the journal has an entry for `key`: 'live', 'deleted', or undefined. */
export function journalHas(journal: Journal, key: string): 'live' | 'deleted' | undefined {
  const at = journal.state.index.get(key);
  if (at === undefined) return undefined;
  return at < 0 ? 'deleted' : 'live';
}

/** Reads journal entries back at their offsets. */
export class JournalReader {
  private constructor(
    private readonly reader: RecordReader,
    private readonly journal: Journal,
  ) {}

  static async open(journal: Journal): Promise<JournalReader> {
    return new JournalReader(await RecordReader.open(journal.spec, undefined), journal);
  }

  /** The key's current entry; undefined when the journal has none (or the offset does not hold it). */
  async entry(key: string): Promise<JournalEntry | undefined> {
    const at = this.journal.state.index.get(key);
    if (at === undefined) return undefined;
    if (at < 0) return { key, text: undefined };
    const entry = entryOf(await this.reader.at(at));
    return entry?.key === key ? entry : undefined;
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}

/** Every key's last entry, in journal order (for keys the target file does not hold). */
export async function* journalEntries(journal: Journal): AsyncGenerator<JournalEntry> {
  if (journal.state.size === 0) return;
  const decoder = new RecordDecoder(journal.spec);
  for await (const spans of scanSpec(journal.spec)) {
    for (const span of spans) {
      const entry = entryOf(decoder.decode(span));
      if (!entry) continue;
      const at = journal.state.index.get(entry.key);
      if (at === span.offset || at === -(span.offset + 1)) yield entry;
    }
  }
}
