/** Resolves a `records` resource's options (records.schema.json) into a FileSpec. */
import { extname, resolve } from 'node:path';
import type { DataRecord } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { FORMATS, type FileSpec, type Format } from './format.js';

import type { FileConfig, FileRecordsOptions } from './config.generated.js';

export type { FileConfig } from './config.generated.js';
/** The `records` resource's options (generated from records.schema.json). */
export type RecordsOptions = FileRecordsOptions;

const BY_EXTENSION: Record<string, Format> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'csv',
};

export function resolveSpec(raw: DataRecord, baseDir: string): FileSpec {
  const options = raw as unknown as RecordsOptions;
  if (typeof options.path !== 'string' || options.path === '')
    throw new ConfigError('FILE_PATH_MISSING', 'file records: option `path` is required');
  return specFor(resolve(baseDir, options.path), options.path, options, 'file records');
}

/**
 * The FileSpec of the file at `path` (named `name` in messages) read or written with these format
 * options: the format from `format` or the extension, CSV settings with their defaults. `what` names
 * the resource in errors. Also used by the sftp connector for remote files.
 */
export function specFor(path: string, name: string, options: Omit<RecordsOptions, 'path'>, what: string): FileSpec {
  const ext = extname(path).toLowerCase();
  const format = options.format ?? BY_EXTENSION[ext];
  if (!format || !FORMATS.includes(format)) {
    throw new ConfigError(
      'FILE_FORMAT_UNKNOWN',
      `${what}: cannot tell the format of ${path} from its extension; set \`format\` to json, jsonl or csv`,
    );
  }
  const header = options.csv?.header ?? true;
  const columns = options.csv?.columns;
  if (format === 'csv' && !header && !columns)
    throw new ConfigError('FILE_CSV_COLUMNS_MISSING', `${what}: csv.header false needs csv.columns`);
  return {
    path,
    name,
    format,
    encoding: options.encoding ?? 'utf8',
    csv: { delimiter: options.csv?.delimiter ?? (ext === '.tsv' ? '\t' : ','), header, columns },
  };
}

/** Directory relative option paths resolve against. */
export function connectionBaseDir(config: FileConfig, contextBaseDir: string): string {
  return resolve(contextBaseDir, config.baseDir ?? '.');
}
