/**
 * Record formats: which splitter finds the records of a file, and how one record's bytes decode
 * into a DataRecord. CSV values are strings; a CSV file's first record is its header unless
 * `header: false` (then `columns` names the fields).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { DataRecord } from '../../engine/connector/types.js';
import { parseError } from './errors.js';
import { locate, type Span } from './scan.js';
import { csvSplitter, jsonlSplitter, type Splitter } from './split.js';
import { jsonArraySplitter } from './split-json.js';

export const FORMATS = ['json', 'jsonl', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface CsvSettings {
  delimiter: string;
  header: boolean;
  columns?: string[];
}

export interface FileSpec {
  /** Absolute path. */
  path: string;
  format: Format;
  encoding: BufferEncoding;
  csv: CsvSettings;
}

/** A record that does not decode, at an absolute byte offset (made a located parse error by `located`). */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export async function located(path: string, err: unknown): Promise<unknown> {
  if (!(err instanceof DecodeError)) return err;
  return parseError(path, err.message, await locate(path, err.offset), err.cause);
}

/** `resume`: the scan starts at a record boundary inside the file (reading one record back). */
export function splitterFor(format: Format, resume = false): Splitter {
  if (format === 'jsonl') return jsonlSplitter();
  if (format === 'csv') return csvSplitter();
  return jsonArraySplitter(resume);
}

export function decodeJson(span: Span, encoding: BufferEncoding): DataRecord {
  let value: unknown;
  try {
    value = JSON.parse(span.bytes.toString(encoding));
  } catch (cause) {
    throw new DecodeError(`invalid JSON: ${(cause as Error).message}`, span.offset, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DecodeError('a record must be a JSON object', span.offset);
  return value as DataRecord;
}

/** Fields of one CSV record (the bytes of exactly one record, as a splitter found them). */
export function csvFields(span: Span, settings: CsvSettings, encoding: BufferEncoding): string[] {
  const text = span.bytes.toString(encoding);
  if (!text.includes('"')) return text.split(settings.delimiter);
  try {
    const rows = parseCsv(text, { delimiter: settings.delimiter, relax_column_count: true }) as string[][];
    if (rows.length !== 1) throw new Error(`expected one record, found ${rows.length}`);
    return rows[0]!;
  } catch (cause) {
    throw new DecodeError(`invalid CSV record: ${(cause as Error).message}`, span.offset, { cause });
  }
}

/** Decodes the records of a whole-file scan in order; for CSV the header span sets the columns. */
export class RecordDecoder {
  columns: string[] | undefined;

  constructor(private readonly spec: FileSpec) {
    this.columns = spec.csv.header ? undefined : spec.csv.columns;
  }

  /** The record, or undefined for the CSV header. */
  decode(span: Span): DataRecord | undefined {
    if (this.spec.format !== 'csv') return decodeJson(span, this.spec.encoding);
    const fields = csvFields(span, this.spec.csv, this.spec.encoding);
    if (!this.columns) {
      this.columns = fields;
      return undefined;
    }
    return this.toRecord(fields, span.offset);
  }

  toRecord(fields: string[], offset: number): DataRecord {
    const columns = this.columns!;
    if (fields.length !== columns.length)
      throw new DecodeError(`expected ${columns.length} fields, found ${fields.length}`, offset);
    const record: DataRecord = {};
    for (let i = 0; i < columns.length; i++) record[columns[i]!] = fields[i];
    return record;
  }
}
