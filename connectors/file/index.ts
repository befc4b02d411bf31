/**
 * The `file` connector: JSON, JSON Lines and CSV files as source, lookup and target. Reads stream;
 * a target keeps only a compact key → offset index in memory, appends creates (fsynced when the
 * connection closes), journals updates and deletes beside the file and rewrites it atomically once
 * per run (`finish`).
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { Connection, ConnectorDefinition } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { connectionBaseDir, resolveSpec, type FileConfig } from './options.js';
import type { readPages } from './source.js';
import type { FileTarget } from './target.js';

export type { FileConfig, RecordsOptions } from './options.js';

/** An open file connection: the directory paths resolve against, call counts, the targets open in this run. */
export interface FileConnection extends Connection {
  readonly baseDir: string;
  readonly signal: AbortSignal | undefined;
  count(operation: string): void;
  /** One FileTarget per (file, format, key field) for the whole run. */
  readonly targets: Map<string, FileTarget>;
  /** Reading and writing code, loaded when a connection opens (not when validate reads the definition). */
  readonly io: { readPages: typeof readPages; FileTarget: typeof FileTarget };
}

export const fileConnector: ConnectorDefinition<FileConfig, FileConnection> = {
  name: 'file',
  description:
    'Local JSON, JSON Lines and CSV files as source, lookup and target (streamed, for files of millions of records).',
  configSchema: loadJsonSchema(new URL('./config.schema.json', import.meta.url)),
  resources: {
    records: {
      description: 'The records of one file, keyed by a field (the target id is the key).',
      roles: ['source', 'lookup', 'target'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./records.schema.json', import.meta.url)),
      capabilities: { bulkSize: 500, list: true, deleteActions: ['delete'], incremental: true },
      openSource(conn, options) {
        const spec = resolveSpec(options, conn.baseDir);
        return {
          read: (request) => conn.io.readPages(spec, { signal: conn.signal, ...request }, () => conn.count('read')),
        };
      },
      openTarget(conn, options, binding) {
        const spec = resolveSpec(options, conn.baseDir);
        if (binding.keyField === undefined) {
          throw new ConfigError(
            'FILE_KEY_FIELD_REQUIRED',
            `file target ${spec.path}: the target key must be a plain field, not an expression`,
          );
        }
        const id = `${spec.path}\0${spec.format}\0${binding.keyField}`;
        let target = conn.targets.get(id);
        if (!target) {
          target = new conn.io.FileTarget(spec, binding.keyField, (operation) => conn.count(operation));
          conn.targets.set(id, target);
        }
        return target;
      },
    },
  },

  async open(config, context) {
    const [{ readPages }, { FileTarget }] = await Promise.all([import('./source.js'), import('./target.js')]);
    const calls: Record<string, number> = {};
    const targets = new Map<string, FileTarget>();
    return {
      io: { readPages, FileTarget },
      baseDir: connectionBaseDir(config, context.baseDir),
      signal: context.signal,
      targets,
      count: (operation) => {
        calls[operation] = (calls[operation] ?? 0) + 1;
      },
      stats: () => ({ apiCalls: Object.values(calls).reduce((a, b) => a + b, 0), calls: { ...calls } }),
      close: async () => {
        const open = [...targets.values()];
        targets.clear();
        for (const t of open) await t.flush();
      },
    };
  },
};
