/**
 * Appends encoded records to a target file in one write. The data is in the page cache when this
 * returns, which survives a crash of the process; the fsync (of the file, and of the directory of a
 * new file) happens once when the connection closes (`syncFile`), not per write call: the engine
 * looks a record up by key before creating it again, so data lost to a power cut is re-created,
 * never duplicated. JSON Lines and CSV append at the end; a
 * JSON array is reopened in place: its closing bracket is overwritten by the new elements and a new
 * bracket. When the write fails, the file is put back to its previous length.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SluiceError } from '../../engine/errors.js';
import { fileError, parseError } from './errors.js';
import { csvLine } from './encode.js';
import type { FileSpec } from './format.js';
import type { FileState } from './file-state.js';
import { writeAll } from './write-all.js';
import { markWrite } from './write-outcome.js';

const NL = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Position and value of the last non-blank byte before `end`, or undefined when there is none. */
async function lastNonSpace(fh: FileHandle, end: number): Promise<{ pos: number; byte: number } | undefined> {
  const buf = Buffer.allocUnsafe(4096);
  for (let stop = end; stop > 0;) {
    const start = Math.max(0, stop - buf.length);
    const { bytesRead } = await fh.read(buf, 0, stop - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) if (!isSpace(buf[i]!)) return { pos: start + i, byte: buf[i]! };
    stop = start;
  }
  return undefined;
}

export async function syncDir(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

interface Layout {
  /** Where the payload is written. */
  position: number;
  prefix: string;
  separator: string;
  suffix: string;
}

async function layoutFor(fh: FileHandle, spec: FileSpec, state: FileState): Promise<Layout> {
  if (spec.format === 'json') {
    const last = state.size > 0 ? await lastNonSpace(fh, state.size) : undefined;
    if (!last) return { position: 0, prefix: '[\n', separator: ',\n', suffix: '\n]\n' };
    if (last.byte !== 0x5d)
      throw parseError(spec.path, 'cannot append: the file does not end with the closing "]" of a JSON array');
    const before = await lastNonSpace(fh, last.pos);
    return { position: last.pos, prefix: before?.byte === 0x5b ? '\n' : ',\n', separator: ',\n', suffix: '\n]\n' };
  }
  let prefix = '';
  if (state.size > 0) {
    const tail = Buffer.alloc(1);
    await fh.read(tail, 0, 1, state.size - 1);
    if (tail[0] !== NL) prefix = '\n';
  }
  if (spec.format === 'csv' && spec.csv.header && !state.hasHeader && state.columns)
    prefix += `${csvLine(state.columns, spec.csv.delimiter)}\n`;
  return { position: state.size, prefix, separator: '\n', suffix: '\n' };
}

/** fsyncs a file written by appends (and its directory when the file is new). */
export async function syncFile(path: string, isNew: boolean): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (isNew) await syncDir(path);
}

/** Puts back the bytes the append overwrote and the old length; false when that failed too (with why). */
async function restore(
  fh: FileHandle,
  original: Buffer,
  position: number,
  size: number,
): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await writeAll(fh, original, position);
    await fh.truncate(size);
    return { ok: true };
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Appends `texts` (encoded records); returns each record's byte offset and updates `state`. A
 * failure says whether the file is as before (`not-applied`: nothing was written, or it was taken
 * back) or may hold part of the append (`unknown`).
 */
export async function appendRecords(spec: FileSpec, state: FileState, texts: string[]): Promise<number[]> {
  const isNew = state.size === 0;
  let fh: FileHandle;
  try {
    if (isNew) await mkdir(dirname(spec.path), { recursive: true });
    fh = await open(spec.path, isNew ? 'w' : 'r+');
  } catch (err) {
    throw markWrite(fileError(err, spec.path, 'open for writing'), 'not-applied');
  }
  let layout: Layout | undefined;
  let original: Buffer | undefined;
  let touched = false;
  let end = 0;
  let failure: SluiceError | undefined;
  const offsets: number[] = [];
  try {
    layout = await layoutFor(fh, spec, state);
    original = Buffer.alloc(state.size - layout.position);
    if (original.length > 0) await fh.read(original, 0, original.length, layout.position);
    let at = layout.position + Buffer.byteLength(layout.prefix, spec.encoding);
    for (const [i, text] of texts.entries()) {
      if (i > 0) at += Buffer.byteLength(layout.separator, spec.encoding);
      offsets.push(at);
      at += Buffer.byteLength(text, spec.encoding);
    }
    const payload = Buffer.from(layout.prefix + texts.join(layout.separator) + layout.suffix, spec.encoding);
    touched = true;
    await writeAll(fh, payload, layout.position);
    end = layout.position + payload.length;
    if (end < state.size) await fh.truncate(end);
  } catch (err) {
    const error = fileError(err, spec.path, 'append to');
    if (!touched || !layout || !original) failure = markWrite(error, 'not-applied');
    else {
      const back = await restore(fh, original, layout.position, state.size);
      failure = back.ok
        ? markWrite(error, 'not-applied', 'the file was put back as it was')
        : markWrite(error, 'unknown', `putting the file back failed too (${back.why}): part of the append may remain`);
    }
  }
  try {
    await fh.close();
  } catch (err) {
    const closing = fileError(err, spec.path, 'close');
    // Some file systems (NFS) report a failed write only when the file is closed.
    failure = failure
      ? markWrite(failure, failure.writeOutcome ?? 'unknown', `closing failed too: ${closing.message}`)
      : markWrite(closing, 'unknown', 'the appended records may not all be stored');
  }
  if (failure) throw failure;
  state.size = end;
  state.dirty = isNew ? 'new' : (state.dirty ?? 'data');
  if (spec.format === 'csv' && spec.csv.header) state.hasHeader = true;
  return offsets;
}
