/**
 * A minimal in-memory connector: the reference the conformance suite is tested with, and a worked
 * example of a subject for connector authors. Failures are injected through `faults`.
 */
import type {
  Connection,
  ConnectorDefinition,
  DataRecord,
  SourceResource,
  TargetRecord,
  TargetResource,
  WriteOutcome,
} from '../../engine/connector/types.js';
import { AuthError, ConnectorError, RecordError } from '../../engine/errors.js';

export interface MemoryConfig {
  store: string;
  token: string;
}

export interface MemoryStore {
  rows: Map<string, DataRecord>;
  /** Errors the next calls throw, in order. */
  faults: Error[];
}

export const memoryStores = new Map<string, MemoryStore>();

const optionsSchema = { type: 'object', additionalProperties: false, properties: {} };

/** The open connection: one source and one target over the store (its only resource opens them). */
export interface MemoryConnection extends Connection {
  source: SourceResource;
  target: TargetResource;
}

export const memoryConnector: ConnectorDefinition<MemoryConfig, MemoryConnection> = {
  name: 'memory',
  description: 'Records in process memory (tests only).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['store', 'token'],
    properties: {
      store: { type: 'string', minLength: 1, description: 'Name of the in-memory store.' },
      token: { type: 'string', 'x-secret': true, description: 'Must be "good".' },
    },
  },
  resources: {
    rows: {
      description: 'Rows keyed by id.',
      roles: ['source', 'lookup', 'target'],
      key: 'id',
      optionsSchema,
      capabilities: { bulkSize: 3, list: true, deleteActions: ['delete'], incremental: true },
      openSource: (conn) => conn.source,
      openTarget: (conn) => conn.target,
    },
  },
  async open(config) {
    let apiCalls = 0;
    const store = (): MemoryStore => {
      apiCalls++;
      if (config.token !== 'good') throw new AuthError('token rejected');
      const s = memoryStores.get(config.store);
      if (!s) throw new ConnectorError('MEMORY_NO_STORE', `no store ${config.store}`);
      const fault = s.faults.shift();
      if (fault) throw fault;
      return s;
    };
    const toTarget = (r: DataRecord): TargetRecord => ({
      key: String(r.id),
      id: `m-${String(r.id)}`,
      record: { ...r },
    });
    const connection: MemoryConnection = {
      source: {
        async *read(request) {
          const rows = [...store().rows.values()].filter(
            (r) => !request.since || String(r[request.cursorField ?? 'id']) >= request.since,
          );
          const size = request.pageSize ?? 100;
          for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
        },
      },
      target: {
        commitWindowMs: 0,
        async lookup(keys) {
          if (keys.length === 0) return new Map();
          const rows = store().rows;
          return new Map(keys.filter((k) => rows.has(k)).map((k) => [k, toTarget(rows.get(k)!)]));
        },
        async *list() {
          yield [...store().rows.values()].map(toTarget);
        },
        async write(ops) {
          const rows = store().rows;
          return ops.map((op): WriteOutcome => {
            if (op.op === 'delete') {
              rows.delete(op.key);
              return { key: op.key, ok: true, id: op.id };
            }
            if (typeof op.record.amount !== 'number') {
              return {
                key: op.key,
                ok: false,
                error: new RecordError('MEMORY_BAD_AMOUNT', 'amount must be a number', { recordKey: op.key }),
              };
            }
            rows.set(op.key, { ...op.record });
            return { key: op.key, ok: true, id: `m-${op.key}` };
          });
        },
      },
      stats: () => ({ apiCalls }),
      close: async () => {},
    };
    return connection;
  },
};
