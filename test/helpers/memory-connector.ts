/**
 * An in-process connector for engine tests: named in-memory datasets as source and target, with
 * fault injection (retryable and final write failures, acknowledgements lost after commit, locked
 * records) and call counters. Registered only by tests, never in connectors/index.ts.
 */
import type {
  Connection,
  ConnectorDefinition,
  DataRecord,
  PreparedRecord,
  ReadRequest,
  RejectedRow,
  ReverseOp,
  SourceResource,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../engine/connector/types.js';
import { AuthError, ConnectorError } from '../../engine/errors.js';

export interface MemoryTargetRow {
  id: string;
  record: DataRecord;
  active: boolean;
  locked?: string;
}

export interface MemoryFault {
  /**
   * throw-retryable: the whole call is refused before anything is applied (a 503/429);
   * throw-final: refused for good; throw-auth: the credentials are refused (the run stops);
   * record-retryable / record-final: per record;
   * lost-ack: applied, then the answer is lost (outcome unknown to the engine);
   * slow-commit: the call times out while the target is still working: the record becomes visible
   *   only when the test calls `landInFlight()` (a lookup before that does not find it);
   * lost-request: the call times out and the target never applies it.
   */
  kind:
    | 'throw-retryable'
    | 'throw-final'
    | 'throw-auth'
    | 'record-retryable'
    | 'record-final'
    | 'lost-ack'
    | 'slow-commit'
    | 'lost-request';
  /** Only for ops with these keys (per-record kinds, lost-ack); all when absent. */
  keys?: string[];
  times: number;
}

export class MemoryDataset {
  source: DataRecord[] = [];
  target = new Map<string, MemoryTargetRow>();
  faults: MemoryFault[] = [];
  calls = { read: 0, lookup: 0, list: 0, write: 0, confirm: 0, reverse: 0 };
  writes: WriteOp[][] = [];
  confirmed: { sourceKey: string; status: string; targetId?: string }[] = [];
  /** The source records as the engine handed them back with their outcomes. */
  confirmedRecords = new Map<string, DataRecord>();
  /** The source's `confirmKeeps` hook, when set. */
  confirmKeeps: ((record: DataRecord) => DataRecord) | undefined;
  /** The source's `confirmKeepsTarget` hook, when set. */
  confirmKeepsTarget: ((record: DataRecord) => DataRecord | undefined) | undefined;
  /** The target records as the engine handed them back with their outcomes (absent: none kept). */
  confirmedTargets = new Map<string, DataRecord | undefined>();
  failRead = false;
  /** Every read request the source got. */
  requests: ReadRequest[] = [];
  /** Rows the source reports as unreadable (through `ReadRequest.reject`) before its first page. */
  rejects: RejectedRow[] = [];
  /** Called at the start of every write call (tests break leases or send signals from here). */
  onWrite: ((ops: WriteOp[]) => Promise<void> | void) | undefined;
  /** Reversed postings (a correction's first step), and what the next reverse calls do. */
  reversals: { id: string; key: string; reversalId: string; record: DataRecord }[] = [];
  reverseFaults: ('refuse' | 'lost')[] = [];
  /** The target's prepareRecords, when set. */
  prepare: ((record: DataRecord) => PreparedRecord) | undefined;
  /** Creates a `slow-commit` fault is still "working on". */
  inFlight = new Map<string, MemoryTargetRow>();
  /** How long after sending a write may still commit (the target's declared window). */
  commitWindowMs = 0;
  private nextId = 1;

  constructor(readonly keyField = 'id') {}

  newId(): string {
    return `T${this.nextId++}`;
  }

  /** The target finishes the requests it was still working on: their records appear. */
  landInFlight(): number {
    const n = this.inFlight.size;
    for (const [k, row] of this.inFlight) this.target.set(k, row);
    this.inFlight.clear();
    return n;
  }

  takeFault(kind: MemoryFault['kind'], key?: string): boolean {
    const f = this.faults.find(
      (x) => x.kind === kind && x.times > 0 && (!x.keys || (key !== undefined && x.keys.includes(key))),
    );
    if (!f) return false;
    f.times--;
    return true;
  }
}

export const datasets = new Map<string, MemoryDataset>();

export function dataset(name: string, keyField = 'id'): MemoryDataset {
  const d = new MemoryDataset(keyField);
  datasets.set(name, d);
  return d;
}

function compare(a: unknown, b: string): number {
  const x = String(a);
  return x < b ? -1 : x > b ? 1 : 0;
}

/** The open connection: the dataset's source and target, opened by each resource. */
interface MemoryConnection extends Connection {
  source(options: DataRecord): SourceResource;
  target(binding: TargetBinding): TargetResource;
}

const checkAmount = (record: DataRecord): string[] =>
  typeof record.amount === 'number' && record.amount < 0 ? ['amount must not be negative'] : [];

export const memoryConnector: ConnectorDefinition<{ dataset: string }, MemoryConnection> = {
  name: 'memory',
  description: 'In-memory datasets for engine tests.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['dataset'],
    properties: {
      dataset: { type: 'string' },
      password: { type: 'string', 'x-secret': true },
      region: { type: 'string', pattern: '^[a-z]{2}$' },
    },
  },
  resources: {
    records: {
      description: 'Records of a dataset.',
      roles: ['source', 'lookup', 'target'],
      key: 'id',
      optionsSchema: { type: 'object', additionalProperties: false, properties: { pageSize: { type: 'integer' } } },
      capabilities: {
        bulkSize: 3,
        incremental: true,
        list: true,
        deleteActions: ['delete', 'deactivate'],
        confirm: true,
      },
      check: checkAmount,
      openSource: (conn, options) => conn.source(options),
      openTarget: (conn, _options, binding) => conn.target(binding),
    },
    rows: {
      description: 'Records of a dataset, read only, without confirmations.',
      roles: ['source', 'lookup'],
      key: 'id',
      optionsSchema: { type: 'object', additionalProperties: false, properties: { pageSize: { type: 'integer' } } },
      capabilities: { incremental: true },
      openSource: (conn, options) => conn.source(options),
    },
    postings: {
      description: 'Immutable postings.',
      roles: ['target'],
      key: 'ref',
      optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
      capabilities: { bulkSize: 2, immutable: true, reversible: true, modes: ['create'] },
      lintLiterals: (fields) =>
        fields.code?.includes('-') ? [{ field: 'code', message: 'codes may not contain a hyphen' }] : [],
      check: checkAmount,
      openTarget: (conn, _options, binding) => conn.target(binding),
    },
  },
  open(config): Promise<MemoryConnection> {
    const ds = datasets.get(config.dataset);
    if (!ds) throw new ConnectorError('DATASET_UNKNOWN', `no dataset ${config.dataset}`);
    const toTarget = (key: string, row: MemoryTargetRow): TargetRecord => ({
      key,
      id: row.id,
      record: row.record,
      active: row.active,
      ...(row.locked && { locked: row.locked }),
    });
    return Promise.resolve({
      source: (options) => ({
        async *read(req: ReadRequest) {
          ds.calls.read++;
          ds.requests.push({ ...req });
          if (ds.failRead) throw new ConnectorError('READ_FAILED', 'source read failed', { retryable: false });
          for (const r of ds.rejects) {
            if (!req.reject) throw new ConnectorError('MEMORY_ROW_INVALID', `${r.location}: ${r.message}`);
            req.reject(r);
          }
          let rows = ds.source;
          if (req.since !== undefined && req.cursorField)
            rows = rows.filter((r) => compare(r[req.cursorField!], req.since!) >= 0);
          const size = Number(options.pageSize ?? req.pageSize ?? 2);
          for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size).map((r) => ({ ...r }));
        },
        ...(ds.confirmKeeps && { confirmKeeps: ds.confirmKeeps }),
        ...(ds.confirmKeepsTarget && { confirmKeepsTarget: ds.confirmKeepsTarget }),
        confirm(outcomes) {
          ds.calls.confirm++;
          for (const o of outcomes) ds.confirmedRecords.set(o.sourceKey, o.record);
          for (const o of outcomes) ds.confirmedTargets.set(o.sourceKey, o.targetRecord);
          for (const o of outcomes)
            ds.confirmed.push({
              sourceKey: o.sourceKey,
              status: o.status,
              ...(o.targetId && { targetId: o.targetId }),
            });
          return Promise.resolve();
        },
      }),
      target: (binding) => ({
        commitWindowMs: ds.commitWindowMs,
        lookup(keys) {
          ds.calls.lookup++;
          const out = new Map<string, TargetRecord>();
          for (const k of keys) {
            const row = ds.target.get(k);
            if (row) out.set(k, toTarget(k, row));
          }
          return Promise.resolve(out);
        },
        async *list() {
          ds.calls.list++;
          yield [...ds.target].map(([k, row]) => toTarget(k, row));
        },
        ...(ds.prepare && {
          prepareRecords: (records: DataRecord[]) => Promise.resolve(records.map((r) => ds.prepare!(r))),
        }),
        reverse(ops: ReverseOp[]): Promise<WriteOutcome[]> {
          ds.calls.reverse++;
          const fault = ds.reverseFaults.shift();
          if (fault === 'refuse')
            return Promise.resolve(
              ops.map((o) => ({
                key: o.key,
                ok: false,
                error: new ConnectorError('MEMORY_PERIOD_CLOSED', 'the period is closed', {
                  writeOutcome: 'not-applied',
                }),
              })),
            );
          const out: WriteOutcome[] = [];
          for (const op of ops) {
            const already = ds.reversals.find((r) => r.id === op.id);
            if (already) {
              out.push({ key: op.key, ok: true, id: already.reversalId }); // refused as a double: done
              continue;
            }
            const row = ds.target.get(op.key);
            if (row?.id === op.id) ds.target.delete(op.key);
            const reversalId = ds.newId();
            ds.reversals.push({ id: op.id, key: op.key, reversalId, record: op.before });
          }
          if (fault === 'lost')
            return Promise.reject(
              new ConnectorError('TIMEOUT', 'no answer', { retryable: true, writeOutcome: 'unknown' }),
            );
          for (const op of ops)
            if (!out.some((o) => o.key === op.key))
              out.push({ key: op.key, ok: true, id: ds.reversals.find((r) => r.id === op.id)!.reversalId });
          return Promise.resolve(out);
        },
        async write(ops: WriteOp[]): Promise<WriteOutcome[]> {
          await ds.onWrite?.(ops);
          ds.calls.write++;
          ds.writes.push(ops);
          if (ds.takeFault('throw-retryable'))
            return Promise.reject(
              new ConnectorError('UNAVAILABLE', 'service unavailable', {
                retryable: true,
                retryAfterMs: 1,
                writeOutcome: 'not-applied',
              }),
            );
          if (ds.takeFault('lost-request'))
            return Promise.reject(
              new ConnectorError('TIMEOUT', 'no answer in time', { retryable: true, writeOutcome: 'unknown' }),
            );
          if (ds.takeFault('slow-commit')) {
            for (const op of ops)
              if (op.op === 'create')
                ds.inFlight.set(op.key, { id: ds.newId(), record: { ...op.record }, active: true });
            return Promise.reject(
              new ConnectorError('TIMEOUT', 'no answer in time (the target is still working)', {
                retryable: true,
                writeOutcome: 'unknown',
              }),
            );
          }
          if (ds.takeFault('throw-final'))
            return Promise.reject(new ConnectorError('BAD_REQUEST', 'bad request', { retryable: false }));
          if (ds.takeFault('throw-auth')) return Promise.reject(new AuthError('the session user was refused'));
          const out: WriteOutcome[] = [];
          let lost = false;
          for (const op of ops) {
            if (ds.takeFault('record-retryable', op.key)) {
              out.push({
                key: op.key,
                ok: false,
                error: new ConnectorError('BUSY', 'record busy', {
                  retryable: true,
                  retryAfterMs: 1,
                  writeOutcome: 'not-applied',
                }),
              });
              continue;
            }
            if (ds.takeFault('record-final', op.key)) {
              out.push({
                key: op.key,
                ok: false,
                error: new ConnectorError('REJECTED', `record ${op.key} rejected by the target`),
              });
              continue;
            }
            if (op.op === 'create') {
              const id = ds.newId();
              ds.target.set(op.key, { id, record: { ...op.record }, active: true });
              out.push({ key: op.key, ok: true, id });
            } else if (op.op === 'update') {
              const row = ds.target.get(op.key);
              if (!row) out.push({ key: op.key, ok: false, error: new ConnectorError('NOT_FOUND', 'gone') });
              else {
                row.record = { ...row.record, ...op.record };
                row.active = true;
                out.push({ key: op.key, ok: true, id: row.id });
              }
            } else {
              const row = ds.target.get(op.key);
              if (row && op.action === 'deactivate') row.active = false;
              else ds.target.delete(op.key);
              out.push({ key: op.key, ok: true, id: op.id });
            }
            if (ds.takeFault('lost-ack', op.key)) lost = true;
          }
          void binding;
          if (lost)
            return Promise.reject(
              new ConnectorError('TIMEOUT', 'response lost after commit', {
                retryable: true,
                retryAfterMs: 1,
                writeOutcome: 'unknown',
              }),
            );
          return Promise.resolve(out);
        },
      }),
      stats: () => ({ apiCalls: ds.calls.read + ds.calls.lookup + ds.calls.list + ds.calls.write + ds.calls.confirm }),
      close: () => Promise.resolve(),
    });
  },
};
