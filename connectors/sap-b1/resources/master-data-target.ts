/**
 * Upsert targets over master data (business partners, projects, profit centers): lookup by the
 * dedupe key field, list, create with POST, update with PATCH of the changed fields (If-Match with
 * the ETag read, where the entity has one), deactivate in mirror mode; a write call goes out as one
 * $batch. A create whose answer was lost is looked up before it is reported as failed.
 */
import type {
  DataRecord,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../../engine/connector/types.js';
import { ConnectorError } from '../../../engine/errors.js';
import { buildQuery, keySegment, whereToFilter } from '../query.js';
import { etagOf, normalizeRecord } from '../records.js';
import { findByField } from './key-lookup.js';
import { readOptions } from './options.js';
import type { ResourceContext } from './types.js';
import { runWrites, type PreparedWrite } from './write-runner.js';

export interface MasterDataSpec {
  entitySet: string;
  /** The entity's key property (its id). */
  key: string;
  /** How deactivation is written and recognised. */
  deactivate: DataRecord;
  isActive(entity: DataRecord): boolean;
}

function topLevelFields(op: Extract<WriteOp, { op: 'update' }>): string[] {
  const fields = new Set(op.changes.map((c) => c.path.split(/[.[]/)[0] ?? c.path).filter((f) => f !== ''));
  return fields.size > 0 ? [...fields] : Object.keys(op.record);
}

export function openMasterDataTarget(
  ctx: ResourceContext,
  spec: MasterDataSpec,
  options: DataRecord,
  binding: TargetBinding,
): TargetResource {
  const { client } = ctx;
  const matchField = binding.keyField ?? spec.key;
  const o = readOptions(options);
  const select = o.select
    ? [...new Set([spec.key, matchField, ...Object.keys(spec.deactivate), ...o.select])]
    : undefined;
  const etags = new Map<string, string>();

  const toTarget = (raw: DataRecord): TargetRecord => {
    const id = String(raw[spec.key]);
    const etag = etagOf(raw);
    if (etag !== undefined) etags.set(id, etag);
    const record = normalizeRecord(raw);
    return { key: String(record[matchField]), id, record, active: spec.isActive(record) };
  };

  const lookup = async (keys: string[]): Promise<Map<string, TargetRecord>> => {
    const found = new Map<string, TargetRecord>();
    if (keys.length === 0) return found;
    const rows = await findByField(client, {
      entitySet: spec.entitySet,
      field: matchField,
      keys,
      select,
      extra: whereToFilter(o.where),
    });
    for (const raw of rows) {
      const t = toTarget(raw);
      if (!found.has(t.key)) found.set(t.key, t);
    }
    return found;
  };

  const prepare = (op: WriteOp): PreparedWrite | WriteOutcome => {
    const entity = (id: string): string => `${spec.entitySet}${keySegment(id)}`;
    const ifMatch = (id: string): Record<string, string> | undefined => {
      const etag = etags.get(id);
      return etag ? { 'if-match': etag } : undefined;
    };
    const id = (): string => (op.op === 'create' ? '' : op.id);
    switch (op.op) {
      case 'create':
        return {
          key: op.key,
          method: 'POST',
          path: spec.entitySet,
          json: op.record,
          create: true,
          idOf: (body) => String(body[spec.key] ?? op.record[spec.key]),
        };
      case 'update': {
        const body = Object.fromEntries(
          topLevelFields(op)
            .filter((f) => f !== spec.key && f in op.record)
            .map((f) => [f, op.record[f]]),
        );
        const headers = ifMatch(op.id);
        return {
          key: op.key,
          method: 'PATCH',
          path: entity(op.id),
          json: body,
          ...(headers && { headers }),
          create: false,
          idOf: id,
        };
      }
      case 'delete': {
        if (op.action !== 'deactivate') {
          return {
            key: op.key,
            ok: false,
            error: new ConnectorError(
              'SAP_B1_DELETE_UNSUPPORTED',
              `${spec.entitySet} records are deactivated, never deleted`,
            ),
          };
        }
        const headers = ifMatch(op.id);
        return {
          key: op.key,
          method: 'PATCH',
          path: entity(op.id),
          json: spec.deactivate,
          ...(headers && { headers }),
          create: false,
          idOf: id,
        };
      }
    }
  };

  // A create whose answer was lost may have been committed: look before anyone sends it again.
  const recover = async (keys: string[]): Promise<Map<string, WriteOutcome>> => {
    const found = await lookup(keys).catch(() => new Map<string, TargetRecord>());
    const out = new Map<string, WriteOutcome>();
    for (const [key, t] of found) {
      ctx.logger.info({ key, id: t.id }, `sap-b1: ${spec.entitySet} create was committed although its answer was lost`);
      out.set(key, { key, ok: true, id: t.id });
    }
    return out;
  };

  const write = async (ops: WriteOp[]): Promise<WriteOutcome[]> => {
    const prepared = ops.map(prepare);
    const writes = prepared.filter((p): p is PreparedWrite => 'method' in p);
    const done = new Map<PreparedWrite, WriteOutcome>();
    (await runWrites(client, writes, recover)).forEach((o, i) => done.set(writes[i] as PreparedWrite, o));
    return prepared.map((p) => {
      if (!('method' in p)) return p;
      const outcome = done.get(p) as WriteOutcome;
      if (outcome.ok && !p.create) etags.delete(outcome.id ?? '');
      return outcome;
    });
  };

  return {
    commitWindowMs: ctx.client.config.timeoutMs + ctx.client.config.commitWindowMs,
    lookup,
    async *list() {
      const query = buildQuery({ filter: whereToFilter(o.where), select, orderBy: [{ field: spec.key }] });
      for await (const page of client.rawPages(spec.entitySet, query, client.config.pageSize)) yield page.map(toTarget);
    },
    write,
  };
}
