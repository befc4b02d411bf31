/**
 * Serialises target records: JSON (one compact object; JSON Lines and JSON arrays both use it) or
 * one CSV line over known columns. A record that cannot be written faithfully throws an
 * EncodeError, and only that record fails.
 */
import { createRequire } from 'node:module';

// Loaded on the first CSV line written: validate and JSON pipelines never need it.
const require = createRequire(import.meta.url);
let csvStringify: typeof import('csv-stringify/sync').stringify | undefined;
import type { DataRecord } from '../../engine/connector/types.js';
import { RecordError } from '../../engine/errors.js';
import type { FileSpec } from './format.js';

/** A record the target cannot write faithfully: it fails alone. */
export class EncodeError extends RecordError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}

const OUT_OF_RANGE: Partial<Record<BufferEncoding, RegExp>> = { latin1: /[^\x00-\xff]/, ascii: /[^\x00-\x7f]/ };

function checkEncodable(text: string, encoding: BufferEncoding): string {
  const bad = OUT_OF_RANGE[encoding];
  if (bad?.test(text))
    throw new EncodeError('RECORD_NOT_ENCODABLE', `the record has characters that ${encoding} cannot represent`);
  return text;
}

export function encodeJson(record: DataRecord, encoding: BufferEncoding): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(record);
  } catch (cause) {
    throw new EncodeError(
      'RECORD_NOT_SERIALISABLE',
      `the record cannot be serialised as JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (typeof text !== 'string' || !text.startsWith('{'))
    throw new EncodeError('RECORD_NOT_SERIALISABLE', 'the record is not a JSON object');
  return checkEncodable(text, encoding);
}

function cell(column: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  throw new EncodeError(
    'RECORD_NOT_SERIALISABLE',
    `field "${column}" is ${Array.isArray(value) ? 'an array' : 'an object'}: a CSV cell holds a scalar`,
  );
}

export function csvLine(cells: string[], delimiter: string): string {
  csvStringify ??= (require('csv-stringify/sync') as typeof import('csv-stringify/sync')).stringify;
  return csvStringify([cells], { delimiter, eof: false });
}

export function encodeCsv(record: DataRecord, columns: readonly string[], spec: FileSpec): string {
  const known = new Set(columns);
  const unknown = Object.keys(record).filter((k) => !known.has(k) && record[k] !== undefined);
  if (unknown.length > 0) {
    throw new EncodeError(
      'CSV_UNKNOWN_COLUMN',
      `field(s) ${unknown.join(', ')} are not columns of ${spec.path} (${columns.join(', ')})`,
    );
  }
  return checkEncodable(
    csvLine(
      columns.map((c) => cell(c, record[c])),
      spec.csv.delimiter,
    ),
    spec.encoding,
  );
}

export function encodeRecord(record: DataRecord, spec: FileSpec, columns: readonly string[] | undefined): string {
  if (spec.format !== 'csv') return encodeJson(record, spec.encoding);
  return encodeCsv(record, columns ?? [], spec);
}
