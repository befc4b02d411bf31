/**
 * Create-only targets for posted documents (journal entries, incoming payments, credit notes).
 * The dedupe key is written into a reference field; before creates the connector looks the keys up
 * (one query per chunk of keys) and never posts a key that exists; a create that failed without a
 * clear answer (5xx, timeout, dropped connection) is looked up again before it is reported, so an
 * answer lost after SAP committed never yields a second document. Existing documents are `locked`:
 * never updated, never re-created.
 */
import type {
  DataRecord,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../../engine/connector/types.js';
import { ConnectorError, RecordError, type SluiceError } from '../../../engine/errors.js';
import { normalizeRecord } from '../records.js';
import { findByField } from './key-lookup.js';
import type { ResourceContext } from './types.js';
import { runWrites, type PreparedWrite } from './write-runner.js';

export interface GuardedCreateSpec {
  entitySet: string;
  /** The entity's key (JdtNum, DocEntry). */
  idField: string;
  referenceField: string;
  /** Why an existing document may not be changed. */
  lockedReason(entity: DataRecord): string;
  /** Problems that send a record to attention before anything is sent. */
  check(record: DataRecord): string[];
  /** The documents of one key that count (e.g. without cancelled ones and their reversals), in id order. */
  live?(documents: DataRecord[]): DataRecord[];
}

function idFromLocation(location: string | string[] | undefined): string | undefined {
  const v = Array.isArray(location) ? location[0] : location;
  return v === undefined ? undefined : /\((\d+)\)\s*$/.exec(v)?.[1];
}

export function openGuardedCreateTarget(ctx: ResourceContext, spec: GuardedCreateSpec): TargetResource {
  const { client } = ctx;
  const ref = spec.referenceField;

  const check = (record: DataRecord): string[] => spec.check(record);

  const lookup = async (keys: string[]): Promise<Map<string, TargetRecord>> => {
    const found = new Map<string, TargetRecord>();
    if (keys.length === 0) return found;
    const rows = await findByField(client, { entitySet: spec.entitySet, field: ref, keys, orderBy: spec.idField });
    const wanted = new Set(keys);
    const byKey = new Map<string, DataRecord[]>();
    for (const raw of rows) {
      const record = normalizeRecord(raw);
      const key = String(record[ref]);
      if (!wanted.has(key)) continue; // a case-insensitive database may match more than asked for
      byKey.set(key, [...(byKey.get(key) ?? []), record]);
    }
    for (const [key, all] of byKey) {
      const records = spec.live ? spec.live(all) : all;
      if (records.length === 0) continue;
      const first = records[0] as DataRecord;
      const others =
        records.length > 1
          ? ` (${records.length} ${spec.entitySet} carry ${ref} ${key}: ${records.map((r) => r[spec.idField]).join(', ')})`
          : '';
      found.set(key, {
        key,
        id: String(first[spec.idField]),
        record: first,
        locked: `${spec.lockedReason(first)}${others}`,
      });
    }
    return found;
  };

  // A create whose answer was lost may have been committed: look before anyone sends it again.
  const recover = async (keys: string[], cause: SluiceError): Promise<Map<string, WriteOutcome>> => {
    let found = new Map<string, TargetRecord>();
    try {
      found = await lookup(keys);
    } catch (lookupError) {
      ctx.logger.warn(
        { keys, err: (lookupError as Error).message },
        `sap-b1: cannot verify failed ${spec.entitySet} creates`,
      );
    }
    const out = new Map<string, WriteOutcome>();
    for (const key of keys) {
      const t = found.get(key);
      if (t) {
        ctx.logger.info(
          { key, id: t.id },
          `sap-b1: ${spec.entitySet} create was committed although its answer was lost`,
        );
        out.set(key, { key, ok: true, id: t.id });
      } else {
        const message = `${cause.message}; nothing with ${ref} ${key} was found right afterwards, but the Service Layer may still be working on it`;
        out.set(key, {
          key,
          ok: false,
          error: new ConnectorError('SAP_B1_CREATE_NOT_CONFIRMED', message, {
            retryable: true,
            cause,
            writeOutcome: cause.writeOutcome ?? 'unknown',
          }),
        });
      }
    }
    return out;
  };

  const prepare = (op: Extract<WriteOp, { op: 'create' }>): PreparedWrite => ({
    key: op.key,
    method: 'POST',
    path: spec.entitySet,
    json: { ...op.record, [ref]: op.key },
    create: true,
    idOf: (body, headers) => String(body[spec.idField] ?? idFromLocation(headers.location)),
  });

  const write = async (ops: WriteOp[]): Promise<WriteOutcome[]> => {
    const outcomes = new Map<string, WriteOutcome>();
    const creates: Extract<WriteOp, { op: 'create' }>[] = [];
    for (const op of ops) {
      if (op.op !== 'create') {
        const why = op.op === 'update' ? 'posted documents are never updated' : 'posted documents are never deleted';
        outcomes.set(op.key, {
          key: op.key,
          ok: false,
          error: new RecordError(
            'SAP_B1_LOCKED',
            `${spec.entitySet} ${op.id}: ${why}; reverse or cancel it in SAP instead`,
            { recordKey: op.key },
          ),
        });
        continue;
      }
      if (creates.some((c) => c.key === op.key)) continue; // the same key twice: sent once, one outcome
      const problems = check({ ...op.record, [ref]: op.key });
      if (problems.length > 0) {
        outcomes.set(op.key, {
          key: op.key,
          ok: false,
          error: new RecordError('SAP_B1_CHECK_FAILED', problems.join('; '), { recordKey: op.key }),
        });
        continue;
      }
      creates.push(op);
    }
    // Never post a key that is already there (a saved plan applied late, a rerun after a lost answer).
    const existing = creates.length > 0 ? await lookup(creates.map((c) => c.key)) : new Map<string, TargetRecord>();
    const toSend = creates.filter((op) => {
      const t = existing.get(op.key);
      if (!t) return true;
      ctx.logger.info(
        { key: op.key, id: t.id },
        `sap-b1: ${spec.entitySet} with ${ref} ${op.key} exists already; not sent again`,
      );
      outcomes.set(op.key, { key: op.key, ok: true, id: t.id });
      return false;
    });
    for (const outcome of await runWrites(client, toSend.map(prepare), recover)) outcomes.set(outcome.key, outcome);
    return ops.map((op) => outcomes.get(op.key) as WriteOutcome);
  };

  return { lookup, write, commitWindowMs: client.config.timeoutMs + client.config.commitWindowMs };
}
