/**
 * What a target knows about its file: a compact key → byte offset index (one streaming scan
 * builds it; reading a record back at its offset and checking its key makes a hit exact), the file
 * size, and for CSV the columns. Nothing else of the file is held in memory.
 */
import { statSync } from 'node:fs';
import type { DataRecord } from '../../engine/connector/types.js';
import { KeyIndex } from '../../engine/plan/keyindex.js';
import { ConfigError } from '../../engine/errors.js';
import { fileError } from './errors.js';
import { RecordDecoder, scanSpec, type FileSpec } from './format.js';
import { decodeOrThrow } from './rows.js';

export interface FileState {
  index: KeyIndex;
  /** File size in bytes; 0 when the file does not exist yet. */
  size: number;
  /** CSV columns: the file's header, else the options' columns, else set by the first write. */
  columns: string[] | undefined;
  /** CSV: the file already starts with its header line. */
  hasHeader: boolean;
  /** Appended to since the last fsync ('new': the file itself was created). */
  dirty?: 'new' | 'data';
}

/**
 * The file's size, or undefined when it does not exist. A synchronous stat: it is called before
 * every lookup and write (to notice changes made behind the connector's back) and costs microseconds,
 * where an async one costs a thread-pool round trip.
 */
export function fileSize(path: string): Promise<number | undefined> {
  try {
    return Promise.resolve(statSync(path).size);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(undefined);
    return Promise.reject(fileError(err, path, 'stat'));
  }
}

export function keyOf(record: DataRecord, keyField: string): string | undefined {
  const v = record[keyField];
  return v === undefined || v === null ? undefined : String(v);
}

export async function buildState(spec: FileSpec, keyField: string): Promise<FileState> {
  const index = new KeyIndex();
  const size = await fileSize(spec.path);
  if (size === undefined || size === 0) return { index, size: 0, columns: spec.csv.columns, hasHeader: false };
  const decoder = new RecordDecoder(spec);
  // A row of the target's own file that does not read fails the index: dropping it would re-create it.
  for await (const spans of scanSpec(spec)) {
    for (const span of spans) {
      const record = decodeOrThrow(spec, decoder, span);
      const key = record && keyOf(record, keyField);
      if (key !== undefined) index.set(key, span.offset);
    }
  }
  const columns = decoder.columns ?? spec.csv.columns;
  if (spec.format === 'csv' && columns && !columns.includes(keyField)) {
    throw new ConfigError(
      'FILE_KEY_COLUMN_MISSING',
      `${spec.path}: the key field "${keyField}" is not one of its columns (${columns.join(', ')})`,
    );
  }
  const hasHeader = spec.format === 'csv' && spec.csv.header && decoder.columns !== undefined;
  return { index, size: (await fileSize(spec.path)) ?? 0, columns, hasHeader };
}
