/* Generated from connectors/file/config.schema.json, connectors/file/records.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * Local JSON, JSON Lines and CSV files as source, lookup and target.
 */
export interface FileConfig {
  /**
   * Directory that relative `path` options resolve against. Relative itself: against the directory of connections.yaml. Default: that directory.
   */
  baseDir?: string;
}

/**
 * One file of records. Source reads stream it in pages; as a target, records are keyed by the pipeline's key field, creates are appended (fsynced when the connection closes), updates and deletes rewrite the file atomically.
 */
export interface FileRecordsOptions {
  /**
   * File path, absolute or relative to the connection's baseDir. A target file is created when missing; creates are appended to it, updates and deletes are kept in `.<name>.journal` beside it during a run and rewritten into it once at the end (temp file and rename), and a journal left by a run that died is applied by the next run.
   */
  path: string;
  /**
   * json: one array of objects; jsonl: one object per line; csv: a header line, then one record per line (values are strings). Default from the extension: .json, .jsonl/.ndjson, .csv/.tsv.
   */
  format?: 'json' | 'jsonl' | 'csv';
  /**
   * Text encoding of the file (ASCII-compatible encodings only). utf8 must be valid UTF-8 and ascii must have no byte above 0x7F: a source row with an invalid byte is a rejected row (FILE_INVALID_UTF8 / FILE_INVALID_ASCII, naming the byte offset and line:col; its raw text shows the byte as \xNN), never decoded with a replacement character. latin1 reads ISO-8859-1: every byte is the character with the same code (bytes 0x80-0x9F, where Windows-1252 puts the euro sign and curly quotes, become control characters). A UTF-8 byte order mark is skipped.
   */
  encoding?: 'utf8' | 'latin1' | 'ascii';
  /**
   * CSV settings.
   */
  csv?: {
    /**
     * Field delimiter (default ","; a tab for .tsv files).
     */
    delimiter?: string;
    /**
     * The first line names the columns. With false, `columns` names them and a target writes no header.
     */
    header?: boolean;
    /**
     * Column names, in file order. Required with header false; for a new target file they fix the column order (default: the fields of the first records written).
     *
     * @minItems 1
     */
    columns?: [string, ...string[]];
  };
}
