/**
 * Reads records back at byte offsets the key index stored. Offsets are visited in file order
 * through a read window, so the hits of one lookup call cost a few large reads, not one read each.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { DataRecord } from '../../engine/connector/types.js';
import { fileError } from './errors.js';
import { RecordDecoder, csvFields, decodeJson, type FileSpec } from './format.js';
import { objectEnd } from './split-json.js';

const WINDOW = 1 << 16;
const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** End (exclusive, delimiter excluded) of the one record starting at `from`, or -1 when `buf` ends first. */
export function recordEnd(spec: FileSpec, buf: Buffer, from: number, final: boolean): number {
  if (spec.format === 'json') return buf[from] === 0x7b ? objectEnd(buf, from) : -1;
  let inQuote = false;
  let q = from;
  for (let nl = buf.indexOf(NL, q); nl !== -1; nl = buf.indexOf(NL, q)) {
    if (spec.format === 'csv')
      for (let i = buf.indexOf(QUOTE, q); i !== -1 && i < nl; i = buf.indexOf(QUOTE, i + 1)) inQuote = !inQuote;
    q = nl + 1;
    if (!inQuote) return nl > from && buf[nl - 1] === CR ? nl - 1 : nl;
  }
  return final && buf.length > from ? buf.length : -1;
}

export class RecordReader {
  private window = Buffer.alloc(0);
  private start = 0;
  private eof = false;

  private constructor(
    private readonly fh: FileHandle,
    private readonly spec: FileSpec,
    private readonly columns: string[] | undefined,
  ) {}

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

  private decode(bytes: Buffer, offset: number): DataRecord | undefined {
    try {
      if (this.spec.format !== 'csv') return decodeJson({ offset, bytes }, this.spec.encoding);
      const decoder = new RecordDecoder({
        ...this.spec,
        csv: { ...this.spec.csv, header: false, columns: this.columns },
      });
      return decoder.toRecord(csvFields({ offset, bytes }, this.spec.csv, this.spec.encoding), offset);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
