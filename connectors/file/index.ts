/**
 * The `file` connector: JSON, JSON Lines and CSV files as source, lookup and target. Reads stream;
 * a target keeps only a compact key → offset index in memory, appends creates (fsynced when the
 * connection closes), journals updates and deletes beside the file and rewrites it atomically once
 * per run (`finish`).
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { Connection, ConnectorDefinition, SourceResource, TargetResource } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { connectionBaseDir, resolveSpec, type FileConfig } from './options.js';
import type { FileTarget } from './target.js';

export type { FileConfig, RecordsOptions } from './options.js';

const RESOURCE = 'records';

function checkResource(resource: string): void {
  if (resource !== RESOURCE)
    throw new ConfigError('UNKNOWN_RESOURCE', `the file connector has no resource "${resource}" (only "${RESOURCE}")`);
}

export const fileConnector: ConnectorDefinition<FileConfig> = {
  name: 'file',
  description:
    'Local JSON, JSON Lines and CSV files as source, lookup and target (streamed, for files of millions of records).',
  configSchema: loadJsonSchema(new URL('./config.schema.json', import.meta.url)),
  resources: {
    [RESOURCE]: {
      description: 'The records of one file, keyed by a field (the target id is the key).',
      roles: ['source', 'lookup', 'target'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./records.schema.json', import.meta.url)),
      capabilities: { bulkSize: 500, list: true, deleteActions: ['delete'], incremental: true },
    },
  },

  async open(config, context) {
    // Reading and writing code loads when a connection opens, not when the definition is read (validate).
    const [{ readPages }, { FileTarget }] = await Promise.all([import('./source.js'), import('./target.js')]);
    const baseDir = connectionBaseDir(config, context.baseDir);
    const calls: Record<string, number> = {};
    const count = (operation: string): void => {
      calls[operation] = (calls[operation] ?? 0) + 1;
    };
    const targets = new Map<string, FileTarget>();
    const connection: Connection = {
      source(resource, options): SourceResource {
        checkResource(resource);
        const spec = resolveSpec(options, baseDir);
        return { read: (request) => readPages(spec, { signal: context.signal, ...request }, () => count('read')) };
      },
      target(resource, options, binding): TargetResource {
        checkResource(resource);
        const spec = resolveSpec(options, baseDir);
        if (binding.keyField === undefined) {
          throw new ConfigError(
            'FILE_KEY_FIELD_REQUIRED',
            `file target ${spec.path}: the target key must be a plain field, not an expression`,
          );
        }
        const id = `${spec.path}\0${spec.format}\0${binding.keyField}`;
        let target = targets.get(id);
        if (!target) {
          target = new FileTarget(spec, binding.keyField, count);
          targets.set(id, target);
        }
        return target;
      },
      stats: () => ({ apiCalls: Object.values(calls).reduce((a, b) => a + b, 0), calls: { ...calls } }),
      close: async () => {
        const open = [...targets.values()];
        targets.clear();
        for (const t of open) await t.flush();
      },
    };
    return connection;
  },
};
