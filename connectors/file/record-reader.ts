/**
 * Reads records back at byte offsets the key index stored. Offsets are visited in file order
 * through a read window, so the hits of one lookup call cost a few large reads, not one read each.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { DataRecord } from '../../engine/connector/types.js';
import { fileError } from './errors.js';
import { RecordDecoder, type FileSpec } from './format.js';
import { csvRecordEnd } from './split-csv.js';
import { elementEnd } from './split-json.js';
import { NL } from './split.js';

const WINDOW = 1 << 16;
const CR = 0x0d;

function trimEnd(buf: Buffer, from: number, end: number): number {
  let e = end;
  while (e > from && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === NL || buf[e - 1] === CR)) e--;
  return e;
}

/** End (exclusive, delimiter excluded) of the one record starting at `from`, or -1 when `buf` ends first. */
export function recordEnd(spec: FileSpec, buf: Buffer, from: number, final: boolean): number {
  if (spec.format === 'json') {
    if (buf[from] !== 0x7b) return -1;
    const end = elementEnd(buf, from);
    return end === -1 || (end === buf.length && !final) ? -1 : trimEnd(buf, from, end);
  }
  if (spec.format === 'csv') {
    const scan = csvRecordEnd(buf, from, final, Buffer.from(spec.csv.delimiter, spec.encoding));
    if (scan.kind !== 'record' || scan.end === from) return -1;
    return buf[scan.end - 1] === CR ? scan.end - 1 : scan.end;
  }
  const nl = buf.indexOf(NL, from);
  if (nl !== -1) return nl > from && buf[nl - 1] === CR ? nl - 1 : nl;
  return final && buf.length > from ? buf.length : -1;
}

export class RecordReader {
  private window = Buffer.alloc(0);
  private start = 0;
  private eof = false;

  private readonly decoder: RecordDecoder;

  private constructor(
    private readonly fh: FileHandle,
    private readonly spec: FileSpec,
    columns: string[] | undefined,
  ) {
    this.decoder = new RecordDecoder({ ...spec, csv: { ...spec.csv, header: false, columns } }, columns);
  }

  static async open(spec: FileSpec, columns: string[] | undefined): Promise<RecordReader> {
    try {
      return new RecordReader(await open(spec.path, 'r'), spec, columns);
    } catch (err) {
      throw fileError(err, spec.path, 'open');
    }
  }

  private async load(offset: number, length: number): Promise<void> {
    const buf = Buffer.allocUnsafe(length);
    let bytesRead: number;
    try {
      ({ bytesRead } = await this.fh.read(buf, 0, length, offset));
    } catch (err) {
      throw fileError(err, this.spec.path, 'read');
    }
    this.window = buf.subarray(0, bytesRead);
    this.start = offset;
    this.eof = bytesRead < length;
  }

  /** The record starting at `offset`; undefined when no whole, decodable record starts there. */
  async at(offset: number): Promise<DataRecord | undefined> {
    let length = WINDOW;
    for (;;) {
      const from = offset - this.start;
      if (from >= 0 && from < this.window.length) {
        const end = recordEnd(this.spec, this.window, from, this.eof);
        if (end !== -1) return this.decode(this.window.subarray(from, end), offset);
        if (this.eof) return undefined;
        if (from === 0) length = this.window.length * 4;
      } else if (from >= 0 && this.eof && this.start + this.window.length <= offset) {
        return undefined;
      }
      await this.load(offset, length);
    }
  }

  /** The record, or undefined when it does not decode (the caller then rescans the file, which fails loudly). */
  private decode(bytes: Buffer, offset: number): DataRecord | undefined {
    try {
      return this.decoder.decode({ offset, bytes, line: 0, col: 0 });
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
