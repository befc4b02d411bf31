/**
 * Rows of a file as records, for reads: each bad row becomes a RejectedRow (location, code, message,
 * raw text, key) handed to `reject`, and reading goes on; without `reject`, the first bad row stops
 * the read with its located error. Targets reading their own file use `decodeOrThrow`: a corrupt
 * target file fails loudly, it never loses rows.
 */
import type { DataRecord, RejectedRow } from '../../engine/connector/types.js';
import type { ConnectorError } from '../../engine/errors.js';
import { DecodeError, locatedError } from './errors.js';
import { RecordDecoder, scanSpec, type FileSpec } from './format.js';
import type { Span } from './scan.js';
import { rawText } from './text.js';

/** The located error of a row that cannot be read. */
export function rowError(spec: FileSpec, span: Span, err: DecodeError): ConnectorError {
  return locatedError(spec, err.code, err.message, span, { cause: err, recordKey: err.recordKey });
}

export function rejectedRow(spec: FileSpec, span: Span, err: DecodeError): RejectedRow {
  const row: RejectedRow = {
    location: `${spec.name}:${span.line}:${span.col}`,
    code: err.code,
    message: err.message,
    raw: rawText(span.bytes, spec.encoding),
  };
  if (err.recordKey !== undefined) row.key = err.recordKey;
  return row;
}

/** The span's record (undefined for a CSV header); a row that cannot be read throws its located error. */
export function decodeOrThrow(spec: FileSpec, decoder: RecordDecoder, span: Span): DataRecord | undefined {
  try {
    return decoder.decode(span);
  } catch (err) {
    if (err instanceof DecodeError) throw rowError(spec, span, err);
    throw err;
  }
}

export interface RowOptions {
  signal?: AbortSignal;
  reject?(row: RejectedRow): void;
}

/** The file's records in order, a batch per chunk read. */
export function readRows(spec: FileSpec, options: RowOptions): AsyncGenerator<DataRecord[]> {
  return decodeRows(spec, scanSpec(spec, { signal: options.signal }), options);
}

/** The records of scanned spans (of a local or a remote file) in order, a batch per chunk read. */
export async function* decodeRows(
  spec: FileSpec,
  scanned: AsyncIterable<Span[]>,
  options: Pick<RowOptions, 'reject'> & { located?(record: DataRecord, span: Span): DataRecord },
): AsyncGenerator<DataRecord[]> {
  const decoder = new RecordDecoder(spec);
  const { reject } = options;
  for await (const spans of scanned) {
    const batch: DataRecord[] = [];
    for (const span of spans) {
      let record: DataRecord | undefined;
      try {
        record = decoder.decode(span);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        if (!reject) throw rowError(spec, span, err);
        reject(rejectedRow(spec, span, err));
        continue;
      }
      if (record) batch.push(options.located ? options.located(record, span) : record);
    }
    if (batch.length > 0) yield batch;
  }
}
