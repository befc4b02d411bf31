/**
 * The `inbox` resource (source, with `confirm`): the files matching `pattern` in `folder`, in name
 * order, streamed (positional reads through the file connector's scanner and decoder: memory stays
 * at a page and a read chunk, whatever the file size). Every record carries `_file` (its remote
 * path) and `_line`; a row that cannot be read is handed to `reject` (parked with `path:line:col`)
 * and the rest go on. After apply, `confirm` receives one outcome per record: a file every record
 * of which has an outcome (committed or parked, nothing in doubt or left for a retry) is entered in
 * the processed-files ledger (name, SHA-256) and moved to `archive` — never before. A crash between
 * commit and move leaves it in the inbox: the next read finds its name and checksum in the ledger
 * and only archives it; a crash before the ledger entry reads it again, and the engine's dedupe
 * ledger plans its records as already written.
 */
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { ConfirmOutcome, DataRecord, ReadRequest, SourceResource } from '../../../engine/connector/types.js';
import type { SluiceError } from '../../../engine/errors.js';
import type { Logger } from '../../../engine/runtime/logger.js';
import { scanSpecFrom } from '../../file/format.js';
import { specFor, type RecordsOptions } from '../../file/options.js';
import { decodeRows } from '../../file/rows.js';
import type { SftpSession } from '../client.js';
import { SFTP_ERRORS, sftpError } from '../errors.js';
import type { FileLedger } from './file-ledger.js';

/** Mirrors inbox.schema.json. */
export interface InboxOptions extends Omit<RecordsOptions, 'path'> {
  folder: string;
  pattern?: string;
  archive: string;
}

export const FILE_FIELD = '_file';
export const LINE_FIELD = '_line';
const DEFAULT_PAGE_SIZE = 1000;

interface FileProgress {
  name: string;
  sha256: string;
  size: number;
  /** Lines of the records read (each must get an outcome before the file is archived). */
  lines: Set<number>;
}

export class InboxSource implements SourceResource {
  /** Files read to their end by this resource's last read, by remote path, until confirmed. */
  private readonly read_ = new Map<string, FileProgress>();
  private readonly matches: (name: string) => boolean;

  constructor(
    private readonly session: SftpSession,
    private readonly options: InboxOptions,
    private readonly ledger: FileLedger,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {
    this.matches = picomatch(options.pattern ?? '*', { dot: false });
  }

  private pathOf(name: string): string {
    return posix.join(this.options.folder, name);
  }

  async *read(request: ReadRequest): AsyncGenerator<DataRecord[]> {
    const pageSize = Math.max(1, request.pageSize ?? DEFAULT_PAGE_SIZE);
    const entries = (await this.session.list(this.options.folder))
      .filter((e) => e.attrs.isFile() && this.matches(e.filename))
      .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    this.read_.clear();
    let page: DataRecord[] = [];
    for (const entry of entries) {
      const name = entry.filename;
      const path = this.pathOf(name);
      const done = await this.ledger.get(name);
      if (done && done.size === entry.attrs.size && (await this.session.checksum(path)) === done.sha256) {
        this.logger.info({ file: path }, `${path} was processed already (same name and checksum): not read again`);
        if (!request.dryRun) await this.archive(name, done.sha256);
        continue;
      }
      const spec = specFor(path, path, this.options, `sftp inbox ${this.options.folder}`);
      const reader = await this.session.openRead(path);
      const lines = new Set<number>();
      let bytes = 0;
      const source = {
        read: async (buffer: Buffer, offset: number, length: number, position: number) => {
          const r = await reader.read(buffer, offset, length, position);
          bytes += r.bytesRead;
          return r;
        },
      };
      try {
        const spans = scanSpecFrom(spec, source, (err) => sftpError(err, `sftp read ${path}`), {
          signal: request.signal,
        });
        const rows = decodeRows(spec, spans, {
          ...(request.reject && { reject: request.reject.bind(request) }),
          located: (record, span) => {
            lines.add(span.line);
            return { ...record, [FILE_FIELD]: path, [LINE_FIELD]: span.line };
          },
        });
        for await (const batch of rows) {
          for (const record of batch) {
            page.push(record);
            if (page.length >= pageSize) {
              yield page;
              page = [];
            }
          }
        }
      } finally {
        await reader.close();
      }
      if (bytes !== entry.attrs.size) {
        this.logger.warn(
          { file: path, listed: entry.attrs.size, read: bytes },
          `${path} changed while it was read (still being uploaded?): it stays in the inbox and is read again next run`,
        );
        continue;
      }
      this.read_.set(path, { name, sha256: reader.digest(), size: bytes, lines });
    }
    if (page.length > 0) yield page;
  }

  /** Of a record, what confirming it needs: where it came from. */
  confirmKeeps(record: DataRecord): DataRecord {
    return { [FILE_FIELD]: record[FILE_FIELD], [LINE_FIELD]: record[LINE_FIELD] };
  }

  /** Nothing of what the target holds: a file is archived once every line of it has an outcome. */
  confirmKeepsTarget(): undefined {
    return undefined;
  }

  async confirm(outcomes: ConfirmOutcome[]): Promise<void> {
    const covered = new Map<string, Set<number>>();
    for (const o of outcomes) {
      const file = o.record[FILE_FIELD];
      const line = o.record[LINE_FIELD];
      if (typeof file !== 'string' || typeof line !== 'number') continue;
      let set = covered.get(file);
      if (!set) covered.set(file, (set = new Set()));
      set.add(line);
    }
    for (const [path, file] of this.read_) {
      const got = covered.get(path);
      const open = [...file.lines].filter((l) => !got?.has(l));
      if (open.length > 0) {
        this.logger.warn(
          { file: path, lines: open.slice(0, 20), open: open.length },
          `${path}: ${open.length} record(s) have no final outcome yet (in doubt, due for a retry, or sharing a source key with another row): the file stays in the inbox`,
        );
        continue;
      }
      await this.ledger.record(file.name, { sha256: file.sha256, size: file.size, at: this.now().toISOString() });
      this.read_.delete(path);
      await this.archive(file.name, file.sha256);
    }
  }

  /** Moves a processed file to the archive; a failure is logged (the next read archives it). */
  private async archive(name: string, sha256: string): Promise<void> {
    const from = this.pathOf(name);
    const to = posix.join(this.options.archive, name);
    try {
      await this.session.mkdirs(this.options.archive);
      try {
        await this.session.rename(from, to);
      } catch (err) {
        if ((err as SluiceError).code !== SFTP_ERRORS.failure || !(await this.session.stat(to))) throw err;
        const ext = posix.extname(name);
        await this.session.rename(
          from,
          posix.join(this.options.archive, `${name.slice(0, name.length - ext.length)}.${sha256.slice(0, 12)}${ext}`),
        );
      }
      this.logger.info({ file: from, archive: this.options.archive }, `${from} archived`);
    } catch (err) {
      this.logger.warn(
        { file: from, code: (err as SluiceError).code, err: (err as Error).message },
        `${from} is processed but could not be moved to ${this.options.archive}; the next run moves it`,
      );
    }
  }
}
