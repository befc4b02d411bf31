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
import { fileError, parseError } from './errors.js';
import { csvLine } from './encode.js';
import type { FileSpec } from './format.js';
import type { FileState } from './file-state.js';

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

/** Appends `texts` (encoded records); returns each record's byte offset and updates `state`. */
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

export async function appendRecords(spec: FileSpec, state: FileState, texts: string[]): Promise<number[]> {
  const isNew = state.size === 0;
  let fh: FileHandle;
  try {
    if (isNew) await mkdir(dirname(spec.path), { recursive: true });
    fh = await open(spec.path, isNew ? 'w' : 'r+');
  } catch (err) {
    throw fileError(err, spec.path, 'open for writing');
  }
  let layout: Layout | undefined;
  let original: Buffer | undefined;
  try {
    layout = await layoutFor(fh, spec, state);
    original = Buffer.alloc(state.size - layout.position);
    if (original.length > 0) await fh.read(original, 0, original.length, layout.position);
    const offsets: number[] = [];
    let at = layout.position + Buffer.byteLength(layout.prefix, spec.encoding);
    for (const [i, text] of texts.entries()) {
      if (i > 0) at += Buffer.byteLength(layout.separator, spec.encoding);
      offsets.push(at);
      at += Buffer.byteLength(text, spec.encoding);
    }
    const payload = Buffer.from(layout.prefix + texts.join(layout.separator) + layout.suffix, spec.encoding);
    await fh.write(payload, 0, payload.length, layout.position);
    const end = layout.position + payload.length;
    if (end < state.size) await fh.truncate(end);
    state.size = end;
    state.dirty = isNew ? 'new' : (state.dirty ?? 'data');
    if (spec.format === 'csv' && spec.csv.header) state.hasHeader = true;
    return offsets;
  } catch (err) {
    if (layout && original) {
      await fh.write(original, 0, original.length, layout.position).catch(() => undefined);
      await fh.truncate(state.size).catch(() => undefined);
    }
    throw fileError(err, spec.path, 'append to');
  } finally {
    await fh.close();
  }
}
