/**
 * The `sftp` connector: CSV and JSON Lines files on an SFTP server. `inbox` (source) streams the
 * files matching a pattern, each once, and archives a file only after its records are committed or
 * parked; `batch` (target) writes one batch file per run, uploaded under a temporary name and
 * renamed when complete. Key or password auth; the host key is checked against known_hosts or a
 * pinned fingerprint. Nothing connects before the first read or write.
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { Connection, ConnectorDefinition, SourceResource, TargetResource } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { systemClock } from '../../engine/runtime/clock.js';
import { SftpSession } from './client.js';
import { configSchema, sessionConfig, spoolRoot, type SftpConfig } from './config.js';
import { BatchTarget, newRunTag, type BatchOptions } from './resources/batch.js';
import { FileLedger } from './resources/file-ledger.js';
import { InboxSource, type InboxOptions } from './resources/inbox.js';

export type { SftpConfig } from './config.js';

const INBOX = 'inbox';
const BATCH = 'batch';

function unknownResource(resource: string, role: string, known: string): ConfigError {
  return new ConfigError(
    'UNKNOWN_RESOURCE',
    `the sftp connector has no ${role} resource "${resource}" (only "${known}")`,
  );
}

export const sftpConnector: ConnectorDefinition<SftpConfig> = {
  name: 'sftp',
  description:
    'CSV and JSON Lines files on an SFTP server: an inbox read file by file (archived once committed) and one batch file per run delivered atomically.',
  configSchema,
  resources: {
    [INBOX]: {
      description:
        'Files matching a pattern in a remote folder, streamed record by record, each file processed once and archived after its records are committed or parked.',
      roles: ['source'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./inbox.schema.json', import.meta.url)),
      capabilities: { confirm: true },
    },
    [BATCH]: {
      description:
        'One batch file per run in a remote folder, staged locally and delivered at the end of the run under a temporary name, then renamed.',
      roles: ['target'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./batch.schema.json', import.meta.url)),
      capabilities: { bulkSize: 1000, modes: ['create', 'upsert'] },
    },
  },

  async open(config, context) {
    const session = new SftpSession(sessionConfig(config, context.baseDir));
    const clock = context.clock ?? systemClock;
    const now = (): Date => new Date(clock.now());
    const spool = spoolRoot(config, context.baseDir, context.connectionName);
    const runTag = newRunTag();
    const local: Record<string, number> = {};
    const count = (op: string): void => {
      local[op] = (local[op] ?? 0) + 1;
    };
    const targets = new Map<string, BatchTarget>();
    const connection: Connection = {
      source(resource, options): SourceResource {
        if (resource !== INBOX) throw unknownResource(resource, 'source', INBOX);
        const o = options as unknown as InboxOptions;
        return new InboxSource(session, o, new FileLedger(context.credentials, o.folder), context.logger, now);
      },
      target(resource, options, binding): TargetResource {
        if (resource !== BATCH) throw unknownResource(resource, 'target', BATCH);
        if (binding.keyField === undefined)
          throw new ConfigError(
            'SFTP_KEY_FIELD_REQUIRED',
            'sftp batch: the target key must be a plain field, not an expression',
          );
        const o = options as unknown as BatchOptions;
        const id = JSON.stringify([o, binding.keyField]);
        let t = targets.get(id);
        if (!t) {
          t = new BatchTarget(session, o, binding.keyField, spool, runTag, now, count, context.logger);
          targets.set(id, t);
        }
        return t;
      },
      stats: () => ({ apiCalls: session.apiCalls, calls: { ...session.calls, ...local } }),
      close: async () => {
        const open = [...targets.values()];
        targets.clear();
        try {
          for (const t of open) await t.flush();
        } finally {
          await session.close();
        }
      },
    };
    return connection;
  },
};
