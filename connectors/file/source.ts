/**
 * Source reads: stream the file in pages of `pageSize` records, never holding more than a page
 * and a read chunk. JSON and JSON Lines go through the byte scanner; CSV through csv-parse's stream.
 * With `since` and `cursorField`, only records whose cursor field is >= since are yielded (numbers
 * compare numerically, everything else as strings).
 */
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import type { DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { fileError, parseError } from './errors.js';
import { decodeJson, located, splitterFor, type FileSpec } from './format.js';
import { scanFile } from './scan.js';

export const DEFAULT_PAGE_SIZE = 1000;

export function sinceFilter(request: ReadRequest): ((record: DataRecord) => boolean) | undefined {
  const { since, cursorField } = request;
  if (since === undefined || cursorField === undefined) return undefined;
  const sinceNumber = Number(since);
  return (record) => {
    const v = record[cursorField];
    if (v === undefined || v === null) return false;
    if (typeof v === 'number' && since.trim() !== '' && !Number.isNaN(sinceNumber)) return v >= sinceNumber;
    return String(v) >= since;
  };
}

async function* jsonRecords(spec: FileSpec, signal?: AbortSignal): AsyncGenerator<DataRecord[]> {
  for await (const spans of scanFile(spec.path, splitterFor(spec.format), { signal })) {
    try {
      yield spans.map((span) => decodeJson(span, spec.encoding));
    } catch (err) {
      throw await located(spec.path, err);
    }
  }
}

async function* csvRecords(spec: FileSpec, signal?: AbortSignal): AsyncGenerator<DataRecord[]> {
  const input = createReadStream(spec.path, { highWaterMark: 1 << 20, signal });
  const parser = parse({
    columns: spec.csv.header ? true : spec.csv.columns,
    delimiter: spec.csv.delimiter,
    encoding: spec.encoding,
    bom: true,
    skip_empty_lines: true,
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    let batch: DataRecord[] = [];
    for await (const record of parser as AsyncIterable<DataRecord>) {
      batch.push(record);
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } catch (err) {
    if (err instanceof CsvError)
      throw parseError(spec.path, err.message, { line: Number(err.lines ?? 1) || 1, col: 1 }, err);
    throw fileError(err, spec.path, 'read');
  } finally {
    input.destroy();
  }
}

/** Pages of records of the file, filtered by `since`. `onScan` is called once per pass over the file. */
export async function* readPages(
  spec: FileSpec,
  request: ReadRequest,
  onScan: () => void,
): AsyncGenerator<DataRecord[]> {
  const pageSize = Math.max(1, request.pageSize ?? DEFAULT_PAGE_SIZE);
  const keep = sinceFilter(request);
  onScan();
  const batches = spec.format === 'csv' ? csvRecords(spec, request.signal) : jsonRecords(spec, request.signal);
  let page: DataRecord[] = [];
  for await (const batch of batches) {
    for (const record of batch) {
      if (keep && !keep(record)) continue;
      page.push(record);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length > 0) yield page;
}
