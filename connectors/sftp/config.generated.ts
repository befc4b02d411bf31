/* Generated from connectors/sftp/config.schema.json, connectors/sftp/batch.schema.json, connectors/sftp/inbox.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * An SFTP server (SSH file transfer), with key or password authentication and a checked host key.
 */
export interface SftpConfig {
  /**
   * Server host name or address.
   */
  host: string;
  /**
   * SSH port.
   */
  port?: number;
  /**
   * Login name.
   */
  username: string;
  /**
   * Password, as a reference (`${env:SFTP_PASSWORD}`). Give this or `privateKey` (or both: the key is tried first).
   */
  password?: string;
  /**
   * The private key itself (OpenSSH or PEM text), as a reference: `${file:keys/id_ed25519}` or `${env:SFTP_KEY}`.
   */
  privateKey?: string;
  /**
   * Passphrase of an encrypted `privateKey`, as a reference.
   */
  passphrase?: string;
  /**
   * How the server's host key is checked; exactly one of `knownHosts` and `fingerprint`. An unknown or different key refuses the connection (a config error naming what to put where).
   */
  hostKey: {
    /**
     * An OpenSSH known_hosts file (plain or hashed host names, `[host]:port` for a port other than 22; `@revoked` lines refuse a key). Relative paths resolve against the directory of connections.yaml.
     */
    knownHosts?: string;
    /**
     * The host key's SHA256 fingerprint as `ssh-keygen -lf <key>.pub` prints it.
     */
    fingerprint?: string;
  };
  /**
   * How long connecting (TCP, SSH handshake and authentication) may take.
   */
  timeoutMs?: number;
  /**
   * Local folder where a `batch` target stages its file until it is uploaded (it must survive the process: on Kubernetes, a persistent volume). Relative: against the directory of connections.yaml. Default `.sluice-sftp/<connection name>` there.
   */
  spoolDir?: string;
}

/**
 * One batch file per run in `folder`: records are staged locally (spoolDir) as they are written, and at the end of the run the file is uploaded under a temporary name (`.<name>.part`) and renamed, so a reader never sees half a file.
 */
export interface SftpBatchOptions {
  /**
   * Remote folder the batch file is delivered to (created when missing).
   */
  folder: string;
  /**
   * File name template: `{date}` (UTC, YYYYMMDD), `{time}` (UTC, HHMMSS) and `{run}` (8 hex characters, one value per run) are replaced when the run writes its first record. A name that exists already with other content is refused (the batch stays in the spool): include `{run}` or `{time}` when a day can have several runs.
   */
  name: string;
  /**
   * Default from the name's extension: .jsonl/.ndjson, .csv/.tsv.
   */
  format?: 'jsonl' | 'csv';
  /**
   * Text encoding; a record with characters the encoding cannot hold fails alone.
   */
  encoding?: 'utf8' | 'latin1' | 'ascii';
  /**
   * CSV settings.
   */
  csv?: {
    /**
     * Field delimiter (a tab for .tsv names).
     */
    delimiter?: string;
    /**
     * Write a header line. With false, `columns` is required.
     */
    header?: boolean;
    /**
     * Column order (default: the fields of the first records written).
     *
     * @minItems 1
     */
    columns?: [string, ...string[]];
  };
}

/**
 * Files matching `pattern` in `folder`, read in name order, each once: every record carries `_file` (its path) and `_line`; a file moves to `archive` once all its records are committed or parked.
 */
export interface SftpInboxOptions {
  /**
   * Remote folder the files arrive in (absolute, or relative to the login's home).
   */
  folder: string;
  /**
   * Glob the file names must match (picomatch: `*`, `?`, `[abc]`, `{a,b}`); dot files (a sender's temporary names) never match.
   */
  pattern?: string;
  /**
   * Remote folder a file is moved to once every record of it was committed or parked (created when missing). A name already taken there gets the file's checksum appended.
   */
  archive: string;
  /**
   * jsonl: one object per line; csv: a header line, then one record per line (values are strings). Default from the extension: .jsonl/.ndjson, .csv/.tsv.
   */
  format?: 'jsonl' | 'csv';
  /**
   * Text encoding (as for the file connector): a row with an invalid byte is parked, never decoded with a replacement character.
   */
  encoding?: 'utf8' | 'latin1' | 'ascii';
  /**
   * CSV settings.
   */
  csv?: {
    /**
     * Field delimiter (a tab for .tsv files).
     */
    delimiter?: string;
    /**
     * The first line names the columns. With false, `columns` names them.
     */
    header?: boolean;
    /**
     * Column names, in file order (required with header false).
     *
     * @minItems 1
     */
    columns?: [string, ...string[]];
  };
}
