/**
 * `users` (source, lookup, target): Identity v4.1 users keyed by `userName`; written through User
 * Provisioning v4 SCIM bulk (100 operations a request) and polled until every operation settles.
 * Creates send the SCIM document; updates send one `replace` per changed attribute (per changed
 * attribute of an extension); deactivation sets `active: false`. Reads return core + enterprise
 * attributes; with `includeSpend` a target also reads each looked-up user's spend extensions.
 * A user the target does not have yet is completed before it is planned (user-create.ts: what User
 * Provisioning requires on create, from `createDefaults`), so `plan` shows what the create sends.
 */
import { isDeepStrictEqual } from 'node:util';
import type {
  DataRecord,
  PreparedRecord,
  SourceResource,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../../engine/connector/types.js';
import { ConnectorError, mayHaveApplied, RecordError } from '../../../engine/errors.js';
import { CONCUR_ERRORS } from '../errors.js';
import { mapLimit } from './map-limit.js';
import { identityPages } from './paging.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';
import { bulkEnv, PATCH_SCHEMA, runScimBulk, type BulkOperation } from './scim-bulk.js';
import type { CreateDefaults } from './create-defaults.js';
import { completeNewUser, incompleteMessage, type NewUserContext } from './user-create.js';
import { ENTERPRISE_URN, UserDirectory } from './user-directory.js';
import { userKey } from './user-key.js';

type Json = Record<string, unknown>;

const CORE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const NOT_COMPARED = new Set(['id', 'meta', 'schemas']);

interface Options {
  filter?: string;
  pageSize?: number;
  includeSpend?: boolean;
  createDefaults?: CreateDefaults;
}

export function comparableUser(u: Json): DataRecord {
  const out: DataRecord = {};
  for (const [k, v] of Object.entries(u)) if (!NOT_COMPARED.has(k) && v !== null) out[k] = v;
  return out;
}

/** One `replace` per changed attribute; extension attributes one by one (`urn:...:User:costCenter`). */
export function patchOperations(before: Json, after: Json): Json[] {
  const ops: Json[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (NOT_COMPARED.has(key) || isDeepStrictEqual(before[key], value)) continue;
    if (key.startsWith('urn:') && value && typeof value === 'object' && !Array.isArray(value)) {
      const prev = (before[key] ?? {}) as Json;
      for (const [attr, v] of Object.entries(value as Json)) {
        if (!isDeepStrictEqual(prev[attr], v)) ops.push({ op: 'replace', path: `${key}:${attr}`, value: v });
      }
    } else if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      before[key] &&
      typeof before[key] === 'object'
    ) {
      ops.push({ op: 'replace', path: key, value: { ...(before[key] as Json), ...(value as Json) } });
    } else {
      ops.push({ op: 'replace', path: key, value });
    }
  }
  return ops;
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  const o = options as Options;
  return {
    async *read(request) {
      for await (const page of identityPages(
        env.client,
        o.filter,
        o.pageSize ?? Math.min(1000, request.pageSize ?? 1000),
      ))
        yield page;
    },
  };
}

function target(env: ResourceEnv, options: DataRecord, binding: TargetBinding): TargetResource {
  const o = options as Options;
  if (binding.keyField && binding.keyField !== 'userName') {
    throw new ConnectorError('CONCUR_USERS_KEY', `the users target is keyed by userName, not ${binding.keyField}`);
  }
  const directory = new UserDirectory(env.client, o.filter);
  const spendOf = async (id: string): Promise<Json> => {
    const res = await env.client.request<Json>({
      method: 'GET',
      path: `/profile/spend/v4.1/Users/${encodeURIComponent(id)}`,
      family: 'scim',
      op: 'GET spend user',
    });
    const out: Json = {};
    for (const [k, v] of Object.entries(res.body ?? {}))
      if (k.startsWith('urn:ietf:params:scim:schemas:extension:spend:')) out[k] = v;
    return out;
  };
  /** The company every user belongs to: the connection's, else the one existing users carry. */
  const companyId = async (): Promise<string | undefined> => {
    if (env.config.companyUuid) return env.config.companyUuid;
    for (const u of (await directory.all()).values()) {
      const id = ((u[ENTERPRISE_URN] ?? {}) as Json).companyId;
      if (typeof id === 'string' && id !== '') return id;
    }
    return undefined;
  };
  const newUserContext = async (): Promise<NewUserContext> => ({
    defaults: o.createDefaults ?? {},
    companyId: await companyId(),
    today: new Date(env.clock.now()).toISOString().slice(0, 10),
  });
  const toTarget = (u: Json, spend: Json = {}): TargetRecord => ({
    key: String(u.userName),
    id: String(u.id),
    record: { ...comparableUser(u), ...spend },
    active: u.active !== false,
  });
  return {
    commitWindowMs: env.config.timeoutMs + env.config.commitWindowMs,
    async lookup(keys) {
      const all = await directory.all();
      const found = keys
        .map((k) => [k, all.get(userKey(k))] as const)
        .filter((e): e is readonly [string, Json] => e[1] !== undefined);
      const spend = o.includeSpend ? await mapLimit(found, 4, ([, u]) => spendOf(String(u.id))) : [];
      return new Map(found.map(([k, u], i) => [k, toTarget(u, spend[i])]));
    },
    async *list() {
      yield [...(await directory.all()).values()].map((u) => toTarget(u));
    },
    async prepareRecords(records) {
      const all = await directory.all();
      const ctx = await newUserContext();
      return records.map((record): PreparedRecord => {
        if (typeof record.userName !== 'string' || all.has(userKey(record.userName))) return { ok: true, record };
        const r = completeNewUser(record, ctx);
        if (!r.ok) {
          const message = incompleteMessage(record.userName, r.missing);
          return { ok: false, code: CONCUR_ERRORS.userIncomplete, message, reasonClass: 'config' };
        }
        return {
          ok: true,
          record: r.record,
          ...(r.filled.length > 0 && { notes: [`new user: ${r.filled.join(', ')}`] }),
        };
      });
    },
    async write(ops: WriteOp[]) {
      const bulk: BulkOperation[] = [];
      const byBulkId = new Map<string, WriteOp>();
      const outcomes: WriteOutcome[] = [];
      const ctx = ops.some((op) => op.op === 'create') ? await newUserContext() : undefined;
      ops.forEach((op, i) => {
        const bulkId = `${op.op}-${i}`;
        if (op.op === 'create') {
          // Completed in prepareRecords when planned; again here (it changes nothing then) for direct callers.
          const r = completeNewUser(op.record, ctx!);
          if (!r.ok) {
            outcomes.push({
              key: op.key,
              ok: false,
              error: new RecordError(CONCUR_ERRORS.userIncomplete, incompleteMessage(op.key, r.missing), {
                recordKey: op.key,
                reasonClass: 'config',
              }),
            });
            return;
          }
          const record = r.record;
          const urns = Object.keys(record).filter((k) => k.startsWith('urn:'));
          bulk.push({
            bulkId,
            method: 'POST',
            path: '/Users',
            data: { active: true, ...record, schemas: [CORE_SCHEMA, ...urns] },
          });
          byBulkId.set(bulkId, { ...op, record });
          return;
        }
        const operations =
          op.op === 'delete'
            ? [{ op: 'replace', path: 'active', value: false }]
            : patchOperations(op.before, op.record);
        if (operations.length === 0) {
          outcomes.push({ key: op.key, ok: true, id: op.id });
          return;
        }
        bulk.push({
          bulkId,
          method: 'PATCH',
          path: `/Users/${op.id}`,
          data: { schemas: [PATCH_SCHEMA], Operations: operations },
        });
        byBulkId.set(bulkId, op);
      });
      const results = await runScimBulk(bulkEnv(env), bulk);
      let inDoubt = false;
      for (const [bulkId, op] of byBulkId) {
        const r = results.get(bulkId);
        if (r?.ok) {
          const id = r.resourceId ?? (op.op === 'create' ? undefined : op.id);
          outcomes.push({ key: op.key, ok: true, ...(id && { id }) });
          // No read here: a failing read after the bulk must not hide that the write succeeded.
          const known = op.op === 'create' ? {} : (directory.peek(op.key) ?? {});
          if (id) directory.remember(op.op === 'delete' ? { ...known, active: false } : { ...known, ...op.record, id });
        } else {
          const error =
            r?.error ??
            new ConnectorError(CONCUR_ERRORS.provisionNoResult, 'the bulk run returned no result for this user', {
              retryable: true,
              recordKey: op.key,
              writeOutcome: 'unknown',
            });
          inDoubt ||= mayHaveApplied(error);
          outcomes.push({ key: op.key, ok: false, error });
        }
      }
      // A write that may have been applied makes the cached directory stale: the next lookup (the
      // engine's search for an in-doubt create) reads Concur again.
      if (inDoubt) directory.forget();
      return outcomes;
    },
  };
}

export const usersOpeners: ConcurOpeners = { source, target };
