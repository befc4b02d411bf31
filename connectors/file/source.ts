/**
 * Source reads: stream the file in pages of `pageSize` records, never holding more than a page
 * and a read chunk; every format goes through the byte scanner, so each row has its location.
 * With `request.reject`, a row that cannot be read is reported and the next one is read; without
 * it (lookups), the first such row fails the read with its file:line:col. With `since` and
 * `cursorField`, only records whose cursor field is >= since are yielded (numbers compare
 * numerically, everything else as strings).
 */
import type { DataRecord, ReadRequest } from '../../engine/connector/types.js';
import type { FileSpec } from './format.js';
import { readRows } from './rows.js';

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

/** Pages of records of the file, filtered by `since`. `onScan` is called once per pass over the file. */
export async function* readPages(
  spec: FileSpec,
  request: ReadRequest,
  onScan: () => void,
): AsyncGenerator<DataRecord[]> {
  const pageSize = Math.max(1, request.pageSize ?? DEFAULT_PAGE_SIZE);
  const keep = sinceFilter(request);
  onScan();
  const batches = readRows(spec, { signal: request.signal, reject: request.reject?.bind(request) });
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
