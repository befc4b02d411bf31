/**
 * The `sftp` connector: CSV and JSON Lines files on an SFTP server. `inbox` (source) streams the
 * files matching a pattern, each once, and archives a file only after its records are committed or
 * parked; `batch` (target) writes one batch file per run, uploaded under a temporary name and
 * renamed when complete. Key or password auth; the host key is checked against known_hosts or a
 * pinned fingerprint. Nothing connects before the first read or write.
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { Connection, ConnectorContext, ConnectorDefinition } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { systemClock } from '../../engine/runtime/clock.js';
import type { SftpSession } from './client.js';
import { configSchema, sessionConfig, spoolRoot, type SftpConfig } from './config.js';
import type { BatchOptions, BatchTarget } from './resources/batch.js';
import type { FileLedger } from './resources/file-ledger.js';
import type { InboxOptions, InboxSource } from './resources/inbox.js';

export type { SftpConfig } from './config.js';

/** An open sftp connection: one lazily connected session and what every resource opens with. */
export interface SftpConnection extends Connection {
  readonly session: SftpSession;
  readonly context: ConnectorContext;
  readonly spool: string;
  readonly runTag: string;
  now(): Date;
  count(operation: string): void;
  /** One batch target per (options, key field) for the whole run. */
  readonly targets: Map<string, BatchTarget>;
  /** The SSH and resource code, loaded when a connection opens (validate reads only the definition). */
  readonly io: { BatchTarget: typeof BatchTarget; FileLedger: typeof FileLedger; InboxSource: typeof InboxSource };
}

export const sftpConnector: ConnectorDefinition<SftpConfig, SftpConnection> = {
  name: 'sftp',
  description:
    'CSV and JSON Lines files on an SFTP server: an inbox read file by file (archived once committed) and one batch file per run delivered atomically.',
  configSchema,
  resources: {
    inbox: {
      description:
        'Files matching a pattern in a remote folder, streamed record by record, each file processed once and archived after its records are committed or parked.',
      roles: ['source'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./inbox.schema.json', import.meta.url)),
      capabilities: { confirm: true },
      openSource(conn, options) {
        const o = options as unknown as InboxOptions;
        const ledger = new conn.io.FileLedger(conn.context.credentials, o.folder);
        return new conn.io.InboxSource(conn.session, o, ledger, conn.context.logger, () => conn.now());
      },
    },
    batch: {
      description:
        'One batch file per run in a remote folder, staged locally and delivered at the end of the run under a temporary name, then renamed.',
      roles: ['target'],
      key: 'id',
      optionsSchema: loadJsonSchema(new URL('./batch.schema.json', import.meta.url)),
      capabilities: { bulkSize: 1000, modes: ['create', 'upsert'] },
      openTarget(conn, options, binding) {
        if (binding.keyField === undefined)
          throw new ConfigError(
            'SFTP_KEY_FIELD_REQUIRED',
            'sftp batch: the target key must be a plain field, not an expression',
          );
        const o = options as unknown as BatchOptions;
        const id = JSON.stringify([o, binding.keyField]);
        let t = conn.targets.get(id);
        if (!t) {
          const count = (op: string): void => conn.count(op);
          t = new conn.io.BatchTarget(
            conn.session,
            o,
            binding.keyField,
            conn.spool,
            conn.runTag,
            () => conn.now(),
            count,
            conn.context.logger,
          );
          conn.targets.set(id, t);
        }
        return t;
      },
    },
  },

  async open(config, context) {
    const [{ SftpSession }, { BatchTarget, newRunTag }, { FileLedger }, { InboxSource }] = await Promise.all([
      import('./client.js'),
      import('./resources/batch.js'),
      import('./resources/file-ledger.js'),
      import('./resources/inbox.js'),
    ]);
    const session = new SftpSession(sessionConfig(config, context.baseDir));
    const clock = context.clock ?? systemClock;
    const local: Record<string, number> = {};
    const targets = new Map<string, BatchTarget>();
    return {
      io: { BatchTarget, FileLedger, InboxSource },
      session,
      context,
      spool: spoolRoot(config, context.baseDir, context.connectionName),
      runTag: newRunTag(),
      now: () => new Date(clock.now()),
      count: (op) => {
        local[op] = (local[op] ?? 0) + 1;
      },
      targets,
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
  },
};
