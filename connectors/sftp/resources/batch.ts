/**
 * The `batch` resource (target): one batch file per run. Writes are staged in a local spool file
 * (the file connector's target: appended and fsynced, updates journaled beside it), so an
 * acknowledged write is durable before the engine records it; `finish`, at the end of the run,
 * delivers every staged batch (this run's, and any an earlier run could not deliver) with
 * deliver.ts: temporary name, size check, rename. A batch that could not be delivered stays staged
 * and the next run's `finish` delivers it under its original name, exactly once (settled by the
 * final file's size and checksum). `lookup` answers from the staged batches: delivered files belong
 * to their reader (who may move them), and the engine's ledger is what keeps a record from being
 * sent twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetRecord, TargetResource, WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import type { Logger } from '../../../engine/runtime/logger.js';
import { syncDir } from '../../file/append.js';
import { specFor, type RecordsOptions } from '../../file/options.js';
import { FileTarget } from '../../file/target.js';
import type { SftpSession } from '../client.js';
import { checkTemplate, renderName } from './batch-name.js';
import { deliver } from './deliver.js';

/** Mirrors batch.schema.json. */
export interface BatchOptions extends Omit<RecordsOptions, 'path'> {
  folder: string;
  name: string;
}

/** One id per connection, that is per run: the `{run}` of the batch name. */
export function newRunTag(): string {
  return randomBytes(4).toString('hex');
}

export class BatchTarget implements TargetResource {
  /** A write is staged locally before it is acknowledged: nothing commits later. */
  readonly commitWindowMs = 0;
  private readonly dir: string;
  private readonly staged = new Map<string, FileTarget>();
  private current: string | undefined;
  private loaded = false;

  constructor(
    private readonly session: SftpSession,
    private readonly options: BatchOptions,
    private readonly keyField: string,
    spoolRoot: string,
    private readonly runTag: string,
    private readonly now: () => Date,
    private readonly count: (op: string) => void,
    private readonly logger: Logger,
  ) {
    checkTemplate(options.name);
    specFor(join(spoolRoot, options.name), options.name, options, 'sftp batch'); // the format must be known now
    const id = createHash('sha256').update(`${options.folder}\0${options.name}`).digest('hex').slice(0, 16);
    this.dir = join(spoolRoot, id);
  }

  private fileTarget(name: string): FileTarget {
    let t = this.staged.get(name);
    if (!t) {
      const spec = specFor(join(this.dir, name), name, this.options, 'sftp batch');
      t = new FileTarget(spec, this.keyField, (op) => this.count(`spool ${op}`));
      this.staged.set(name, t);
    }
    return t;
  }

  /** The staged batches left by earlier runs (their files in the spool folder), opened once. */
  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      join(this.dir, 'target.json'),
      JSON.stringify({ folder: this.options.folder, name: this.options.name }) + '\n',
    );
    for (const name of readdirSync(this.dir).sort())
      if (!name.startsWith('.') && name !== 'target.json') this.fileTarget(name);
  }

  async lookup(keys: string[]): Promise<Map<string, TargetRecord>> {
    this.load();
    const result = new Map<string, TargetRecord>();
    if (keys.length === 0) return result;
    for (const t of this.staged.values()) for (const [k, v] of await t.lookup(keys)) result.set(k, v);
    return result;
  }

  write(ops: WriteOp[]): Promise<WriteOutcome[]> {
    this.load();
    this.current ??= renderName(this.options.name, this.now(), this.runTag);
    return this.fileTarget(this.current).write(ops);
  }

  /** Delivers every staged batch, oldest name first; the first that fails stops (it and the rest stay staged). */
  async finish(): Promise<void> {
    this.load();
    for (const [name, t] of [...this.staged].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await t.finish();
      await t.flush();
      const local = join(this.dir, name);
      await deliver(this.session, local, this.options.folder, name, this.logger);
      await rm(local, { force: true });
      await syncDir(local);
      this.staged.delete(name);
      if (name === this.current) this.current = undefined;
    }
  }

  /** Staged, not delivered: fsync what this run appended (the next run's `finish` delivers it). */
  async flush(): Promise<void> {
    for (const t of this.staged.values()) await t.flush();
  }
}
