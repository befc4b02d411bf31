/**
 * Record formats: which splitter finds the records of a file, and how one record's bytes decode
 * into a DataRecord. CSV values are strings; a CSV file's first record is its header unless
 * `header: false` (then `columns` names the fields). A row that cannot be read throws a DecodeError
 * (its code, what is wrong, its key when that could still be read); so does a JSON value the engine
 * refuses (a number that reads as Infinity, nesting deeper than MAX_RECORD_DEPTH).
 */
import type { DataRecord } from '../../engine/connector/types.js';
import { MAX_RECORD_DEPTH, recordValueProblem } from '../../engine/transform/record-values.js';
import { DecodeError, ROW_CODES, locatedError, type FileName } from './errors.js';
import { scanFile, scanSource, type ByteSource, type ScanOptions, type Span } from './scan.js';
import { jsonlSplitter, type Splitter, type SplitterOptions } from './split.js';
import { csvSplitter } from './split-csv.js';
import { jsonArraySplitter } from './split-json.js';
import { firstInvalidByte, positionIn } from './text.js';

export const FORMATS = ['json', 'jsonl', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** The field a source row's key is read from (the resource's key field). */
export const RECORD_KEY_FIELD = 'id';

export interface CsvSettings {
  delimiter: string;
  header: boolean;
  columns?: string[];
}

export interface FileSpec extends FileName {
  format: Format;
  encoding: BufferEncoding;
  csv: CsvSettings;
}

export function splitterFor(spec: FileSpec, options?: SplitterOptions): Splitter {
  if (spec.format === 'jsonl') return jsonlSplitter(options);
  if (spec.format === 'csv') return csvSplitter(Buffer.from(spec.csv.delimiter, spec.encoding), options);
  return jsonArraySplitter(options);
}

/** The record spans of the file, located. */
export function scanSpec(spec: FileSpec, options: Omit<ScanOptions, 'encoding' | 'name'> = {}): AsyncGenerator<Span[]> {
  return scanFile(spec.path, splitterFor(spec), { ...options, encoding: spec.encoding, name: spec.name });
}

/** The record spans of bytes read from `source` (a remote file), located; `readError` wraps a failed read. */
export function scanSpecFrom(
  spec: FileSpec,
  source: ByteSource,
  readError: (err: unknown) => Error,
  options: Omit<ScanOptions, 'encoding' | 'name'> = {},
): AsyncGenerator<Span[]> {
  return scanSource(
    source,
    spec,
    splitterFor(spec),
    { ...options, encoding: spec.encoding, name: spec.name },
    readError,
  );
}

function keyValue(v: unknown): string | undefined {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : undefined;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/** Whether a parsed JSON record holds a value the engine refuses; the fast path skips flat, finite records. */
function checkValues(record: DataRecord): void {
  let suspect = false;
  for (const k in record) {
    const v = record[k];
    if ((typeof v === 'object' && v !== null) || (typeof v === 'number' && !Number.isFinite(v))) {
      suspect = true;
      break;
    }
  }
  const problem = suspect ? recordValueProblem(record) : undefined;
  if (!problem) return;
  const recordKey = keyValue(record[RECORD_KEY_FIELD]);
  const where = problem.path || '(root)';
  if (problem.code === 'RECORD_NOT_FINITE')
    throw new DecodeError(
      ROW_CODES.notFinite,
      `the number at ${where} is out of range (it would read as Infinity, and be written as null); fix the source value`,
      { recordKey },
    );
  throw new DecodeError(
    ROW_CODES.tooDeep,
    `the row nests deeper than ${MAX_RECORD_DEPTH} levels (at ${where}); such data is refused rather than processed`,
    { recordKey },
  );
}

export function decodeJson(text: string): DataRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DecodeError(ROW_CODES.jsonInvalid, `invalid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DecodeError(ROW_CODES.jsonNotObject, `a record must be a JSON object, not ${describeValue(value)}`);
  checkValues(value as DataRecord);
  return value as DataRecord;
}

/** The rest of a quoted field from `j` (just past its opening quote): its value and the index past its closing quote. */
function quotedField(text: string, j: number): [string, number] {
  let value = '';
  for (;;) {
    const q = text.indexOf('"', j);
    if (q === -1) throw new DecodeError(ROW_CODES.csvQuote, 'a quoted field is not closed');
    value += text.slice(j, q);
    if (text.charCodeAt(q + 1) !== 0x22) return [value, q + 1];
    value += '"';
    j = q + 2;
  }
}

/**
 * Fields of one CSV record (the text of exactly one record, as a splitter found it), RFC 4180: a
 * field is quoted from its first character to a closing quote, `""` inside is a quote.
 */
export function csvFields(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 0x22) {
      const [value, end] = quotedField(text, i + 1);
      fields.push(value);
      if (end === text.length) return fields;
      if (!text.startsWith(delimiter, end))
        throw new DecodeError(ROW_CODES.csvQuote, `text right after the closing quote of field ${fields.length}`);
      i = end + delimiter.length;
      continue;
    }
    const d = text.indexOf(delimiter, i);
    const value = text.slice(i, d === -1 ? text.length : d);
    if (value.includes('"')) {
      throw new DecodeError(
        ROW_CODES.csvQuote,
        `a quote inside the unquoted field ${fields.length + 1} (quote the whole field and double the quotes in it)`,
      );
    }
    fields.push(value);
    if (d === -1) return fields;
    i = d + delimiter.length;
  }
}

/** Decodes the records of a whole-file scan in order; for CSV the header span sets the columns. */
export class RecordDecoder {
  columns: string[] | undefined;

  constructor(
    private readonly spec: FileSpec,
    columns?: string[],
  ) {
    this.columns = columns ?? (spec.csv.header ? undefined : spec.csv.columns);
  }

  /** The record, or undefined for the CSV header. A row that cannot be read throws a DecodeError. */
  decode(span: Span): DataRecord | undefined {
    if (this.spec.format === 'csv' && !this.columns) return this.header(span);
    if (span.problem) throw new DecodeError(span.problem.code, span.problem.message);
    const text = this.text(span);
    if (this.spec.format !== 'csv') return decodeJson(text);
    return this.toRecord(csvFields(text, this.spec.csv.delimiter));
  }

  /** The header row sets the columns; when it cannot be read, no row can: a located ConnectorError. */
  private header(span: Span): undefined {
    try {
      if (span.problem) throw new DecodeError(span.problem.code, span.problem.message);
      this.columns = csvFields(this.text(span), this.spec.csv.delimiter);
      return undefined;
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      throw locatedError(this.spec, err.code, `the CSV header cannot be read: ${err.message}`, span, { cause: err });
    }
  }

  private text(span: Span): string {
    const { encoding } = this.spec;
    const bad = firstInvalidByte(span.bytes, encoding);
    if (bad === -1) return span.bytes.toString(encoding);
    const at = positionIn(span.bytes, bad, span, encoding);
    const byte = span.bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
    const ascii = encoding === 'ascii';
    throw new DecodeError(
      ascii ? ROW_CODES.invalidAscii : ROW_CODES.invalidUtf8,
      `invalid ${ascii ? 'ASCII' : 'UTF-8'}: byte 0x${byte} at byte offset ${span.offset + bad} (${at.line}:${at.col}); ` +
        'the raw text shows it as \\x' +
        byte +
        '. Fix the byte, or declare the file\u2019s encoding (e.g. `encoding: latin1`)',
      { recordKey: this.lossyKey(span) },
    );
  }

  /** The key of a row with invalid bytes, when the key itself is clean. */
  private lossyKey(span: Span): string | undefined {
    const text = span.bytes.toString(this.spec.encoding === 'ascii' ? 'latin1' : 'utf8');
    let key: string | undefined;
    try {
      const record =
        this.spec.format === 'csv'
          ? this.fieldsToRecord(csvFields(text, this.spec.csv.delimiter))
          : (JSON.parse(text) as DataRecord | null);
      key = keyValue(record?.[RECORD_KEY_FIELD]);
    } catch {
      return undefined; // no key then: the row is reported for its bytes anyway
    }
    return key !== undefined &&
      firstInvalidByte(Buffer.from(key, 'utf8'), this.spec.encoding) === -1 &&
      !key.includes('\uFFFD')
      ? key
      : undefined;
  }

  private fieldsToRecord(fields: string[]): DataRecord | undefined {
    const i = this.columns?.indexOf(RECORD_KEY_FIELD) ?? -1;
    return i !== -1 && i < fields.length ? { [RECORD_KEY_FIELD]: fields[i] } : undefined;
  }

  toRecord(fields: string[]): DataRecord {
    const columns = this.columns!;
    if (fields.length !== columns.length) {
      throw new DecodeError(
        ROW_CODES.csvFieldCount,
        `expected ${columns.length} fields (as many as the columns), found ${fields.length}`,
        { recordKey: keyValue(this.fieldsToRecord(fields)?.[RECORD_KEY_FIELD]) },
      );
    }
    const record: DataRecord = {};
    for (let i = 0; i < columns.length; i++) record[columns[i]!] = fields[i];
    return record;
  }
}
