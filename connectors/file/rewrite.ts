/**
 * Applies the journal (updates, deletes, re-creates of deleted keys) by rewriting the target file
 * once: stream the old file into a temp file beside it, replacing records the journal changed,
 * dropping deleted ones and copying the rest byte for byte, then the journal's keys the file did not
 * hold; fsync, rename over the original and fsync the directory. A crash leaves either the old or the new file, never a mix. The key index is
 * rebuilt from the new offsets on the way.
 *
 * A failure before the rename (temp file, scan, write, fsync, the rename itself) leaves the target
 * file untouched: `not-applied`. Once renamed, the new content is in place; if the directory fsync
 * then fails it may not survive a crash: `unknown`.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KeyIndex } from '../../engine/plan/keyindex.js';
import { fileError, parseError } from './errors.js';
import { syncDir } from './append.js';
import { csvLine } from './encode.js';
import { RecordDecoder, scanSpec, type FileSpec } from './format.js';
import { keyOf, type FileState } from './file-state.js';
import { JournalReader, journalEntries, journalHas, type Journal } from './journal.js';
import { decodeOrThrow } from './rows.js';
import { writeAll } from './write-all.js';
import { markWrite } from './write-outcome.js';

/** Sequential writer through a staging buffer (it copies: scanned bytes are reused by the scan). */
class Writer {
  position = 0;
  private readonly staging = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly encoding: BufferEncoding,
  ) {}

  async write(data: string | Buffer): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, this.encoding) : data;
    this.position += buf.length;
    if (buf.length > this.staging.length - this.used) await this.flush();
    if (buf.length > this.staging.length) {
      await writeAll(this.fh, buf);
      return;
    }
    this.used += buf.copy(this.staging, this.used);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAll(this.fh, this.staging.subarray(0, this.used));
    this.used = 0;
  }
}

const noProblem = (): undefined => undefined;
const problem = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function fileMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

export async function rewriteFile(
  spec: FileSpec,
  state: FileState,
  keyField: string,
  journal: Journal,
): Promise<FileState> {
  const tmp = join(dirname(spec.path), `.${basename(spec.path)}.${randomBytes(6).toString('hex')}.tmp`);
  const seen = new KeyIndex(1024, false);
  const index = new KeyIndex(Math.max(1024, state.index.size));
  const isJson = spec.format === 'json';
  const separator = isJson ? ',\n' : '\n';
  let fh: FileHandle | undefined;
  let journalReader: JournalReader | undefined;
  let renamed = false;
  try {
    journalReader = await JournalReader.open(journal);
    fh = await open(tmp, 'wx');
    const mode = await fileMode(spec.path);
    if (mode !== undefined) await fh.chmod(mode);
    const out = new Writer(fh, spec.encoding);
    let count = 0;
    const emit = async (key: string | undefined, text: string | Buffer): Promise<void> => {
      if (count++ > 0) await out.write(separator);
      if (key !== undefined) index.set(key, out.position);
      await out.write(text);
    };
    if (isJson) await out.write('[\n');
    if (spec.format === 'csv' && spec.csv.header && state.columns)
      await out.write(`${csvLine(state.columns, spec.csv.delimiter)}\n`);
    if (state.size > 0) {
      const decoder = new RecordDecoder(spec);
      for await (const spans of scanSpec(spec)) {
        for (const span of spans) {
          const record = decodeOrThrow(spec, decoder, span);
          if (!record) continue; // the CSV header, written above
          const key = keyOf(record, keyField);
          const changed = key !== undefined ? journalHas(journal, key) : undefined;
          if (changed === 'deleted') continue;
          if (changed === 'live') {
            const entry = await journalReader.entry(key!);
            if (entry?.text === undefined)
              throw parseError(journal.spec.path, `the journal's entry for key "${key!}" cannot be read back`);
            seen.set(key!, 0);
            await emit(key, entry.text);
            continue;
          }
          await emit(key, span.bytes);
        }
      }
    }
    for await (const e of journalEntries(journal))
      if (e.text !== undefined && !seen.has(e.key)) await emit(e.key, e.text);
    await journalReader.close();
    journalReader = undefined;
    await out.write(isJson ? (count > 0 ? '\n]\n' : ']\n') : count > 0 ? '\n' : '');
    await out.flush();
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, spec.path);
    renamed = true;
    await syncDir(spec.path);
    return {
      ...state,
      index,
      size: out.position,
      hasHeader: spec.format === 'csv' && spec.csv.header && state.columns !== undefined,
    };
  } catch (err) {
    const error = fileError(err, spec.path, 'rewrite');
    if (renamed) throw markWrite(error, 'unknown', 'the new content is in place but may not survive a crash');
    await journalReader?.close().catch(noProblem);
    const cleanup = [
      await fh?.close().then(noProblem, problem),
      await rm(tmp, { force: true }).then(noProblem, problem),
    ];
    const left = cleanup.filter((c) => c !== undefined).join('; ');
    throw markWrite(error, 'not-applied', left ? `the target file is unchanged (cleaning up: ${left})` : undefined);
  }
}
