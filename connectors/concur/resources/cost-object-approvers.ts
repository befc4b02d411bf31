/**
 * `cost-object-approvers` (lookup, target): who approves which cost object, set through User
 * Provisioning's `spend:2.0:ApproverLimit` extension (`costObjectApprover`, with `approvalGroup` =
 * the hierarchy node's long list code, e.g. SALES-CC100). One record per user, approval type and
 * group, keyed by `approverKey` = `<userName>|<approvalType>|<approvalGroup>` (userName in lower
 * case). Adds and changes replace the user's whole extension (the documented form); removals alone
 * use `remove` with a value filter. One SCIM bulk operation per user.
 */
import type {
  DataRecord,
  SourceResource,
  TargetBinding,
  TargetRecord,
  TargetResource,
  WriteOp,
  WriteOutcome,
} from '../../../engine/connector/types.js';
import { ConnectorError, RecordError, asSluiceError } from '../../../engine/errors.js';
import { CONCUR_ERRORS } from '../errors.js';
import { withOutcome } from '../write-outcome.js';
import { approverKey, normaliseType } from './cost-object-approvers.def.js';
import { mapLimit } from './map-limit.js';
import type { ConcurOpeners, ResourceEnv } from './resource.js';
import { bulkEnv, PATCH_SCHEMA, runScimBulk, type BulkOperation } from './scim-bulk.js';
import { UserDirectory } from './user-directory.js';

type Json = Record<string, unknown>;

export const APPROVER_LIMIT_URN = 'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit';
const ENTRY_FIELDS = [
  'approvalType',
  'approvalGroup',
  'approvalLimit',
  'reimbursementCurrency',
  'exceptionApprovalAuthority',
  'level',
] as const;

function entryOf(record: Json): Json {
  const out: Json = {};
  for (const f of ENTRY_FIELDS) if (record[f] !== undefined) out[f] = record[f];
  out.approvalType = normaliseType(record.approvalType);
  out.approvalGroup = String(record.approvalGroup ?? '');
  return out;
}

function sameSlot(a: Json, b: Json): boolean {
  return (
    normaliseType(a.approvalType) === normaliseType(b.approvalType) &&
    String(a.approvalGroup ?? '') === String(b.approvalGroup ?? '')
  );
}

interface Prepared {
  outcomes: WriteOutcome[];
  byUser: Map<string, { user: Json; ops: WriteOp[] }>;
  bulk: BulkOperation[];
  finals: Map<string, Json>;
}

function target(env: ResourceEnv, options: DataRecord, _binding: TargetBinding): TargetResource {
  const directory = new UserDirectory(
    env.client,
    typeof options.userFilter === 'string' ? options.userFilter : undefined,
  );
  const limits = new Map<string, Json>();

  async function limitsOf(user: Json): Promise<Json> {
    const id = String(user.id);
    const hit = limits.get(id);
    if (hit) return hit;
    const res = await env.client.request<Json>({
      method: 'GET',
      path: `/profile/spend/v4.1/Users/${encodeURIComponent(id)}`,
      searchParams: { attributes: APPROVER_LIMIT_URN },
      family: 'scim',
      op: 'GET spend user approver limits',
    });
    const ext = ((res.body ?? {})[APPROVER_LIMIT_URN] ?? {}) as Json;
    limits.set(id, ext);
    return ext;
  }

  function recordsOf(user: Json, ext: Json): TargetRecord[] {
    const entries = Array.isArray(ext.costObjectApprover) ? (ext.costObjectApprover as Json[]) : [];
    return entries.map((e) => {
      const record: DataRecord = {
        approverKey: approverKey(user.userName, e.approvalType, e.approvalGroup),
        userName: user.userName,
        ...entryOf(e),
      };
      return {
        key: String(record.approverKey),
        id: `${String(user.id)}|${normaliseType(e.approvalType)}|${String(e.approvalGroup ?? '')}`,
        record,
      };
    });
  }

  /** Reads each user's approvers and builds one bulk operation per user; nothing is sent. */
  async function prepare(ops: WriteOp[]): Promise<Prepared> {
    const outcomes: WriteOutcome[] = [];
    const byUser = new Map<string, { user: Json; ops: WriteOp[] }>();
    for (const op of ops) {
      const source = op.op === 'delete' ? op.before : op.record;
      const user = await directory.get(String(source.userName ?? op.key.split('|')[0]));
      if (!user) {
        outcomes.push({
          key: op.key,
          ok: false,
          error: new RecordError(CONCUR_ERRORS.userNotFound, `no Concur user ${String(source.userName)}`, {
            recordKey: op.key,
            writeOutcome: 'not-applied',
          }),
        });
        continue;
      }
      const group = byUser.get(String(user.id)) ?? { user, ops: [] };
      group.ops.push(op);
      byUser.set(String(user.id), group);
    }
    const bulk: BulkOperation[] = [];
    const finals = new Map<string, Json>();
    for (const [id, { user, ops: userOps }] of byUser) {
      const current = await limitsOf(user);
      let entries = Array.isArray(current.costObjectApprover) ? [...(current.costObjectApprover as Json[])] : [];
      const upserts = userOps.filter((o) => o.op !== 'delete');
      for (const o of userOps) {
        const entry = entryOf(o.op === 'delete' ? o.before : o.record);
        const at = entries.findIndex((e) => sameSlot(e, entry));
        if (o.op === 'delete') entries = entries.filter((e) => !sameSlot(e, entry));
        else if (at >= 0) entries[at] = { ...entries[at], ...entry };
        else entries.push(entry);
      }
      const final = {
        ...current,
        costObjectApprover: entries,
        authorizedApprover: Array.isArray(current.authorizedApprover) ? current.authorizedApprover : [],
      };
      finals.set(id, final);
      const operations =
        upserts.length > 0
          ? [{ op: 'replace', path: APPROVER_LIMIT_URN, value: final }]
          : userOps.map((o) => {
              const rec = o.op === 'delete' ? o.before : o.record;
              return {
                op: 'remove',
                path: `${APPROVER_LIMIT_URN}:costObjectApprover[approvalType eq "${normaliseType(rec.approvalType)}" and approvalGroup eq "${String(rec.approvalGroup ?? '')}"]`,
              };
            });
      bulk.push({
        bulkId: `approvers-${id}`,
        method: 'PATCH',
        path: `/Users/${id}`,
        data: { schemas: [PATCH_SCHEMA], Operations: operations },
      });
    }
    return { outcomes, byUser, bulk, finals };
  }

  return {
    commitWindowMs: env.config.timeoutMs + env.config.commitWindowMs,
    async lookup(keys) {
      const wanted = new Set(keys);
      const names = [...new Set(keys.map((k) => k.split('|')[0]!))];
      const users = (await Promise.all(names.map((n) => directory.get(n)))).filter((u): u is Json => u !== undefined);
      const out = new Map<string, TargetRecord>();
      await mapLimit(users, 4, async (u) => {
        for (const r of recordsOf(u, await limitsOf(u))) if (wanted.has(r.key)) out.set(r.key, r);
      });
      return out;
    },
    async *list() {
      const users = [...(await directory.all()).values()];
      for (let i = 0; i < users.length; i += 50) {
        const chunk = users.slice(i, i + 50);
        const records = await mapLimit(chunk, 4, async (u) => recordsOf(u, await limitsOf(u)));
        yield records.flat();
      }
    },
    async write(ops: WriteOp[]) {
      let prepared: Prepared;
      try {
        prepared = await prepare(ops);
      } catch (raw) {
        throw withOutcome(asSluiceError(raw), 'not-applied'); // a read before the bulk failed: nothing was sent
      }
      const { outcomes, byUser, bulk, finals } = prepared;
      const results = await runScimBulk(bulkEnv(env), bulk);
      for (const [id, { ops: userOps }] of byUser) {
        const r = results.get(`approvers-${id}`);
        if (r?.ok) limits.set(id, finals.get(id)!);
        // Maybe applied: the cached approvers of this user are stale; the next lookup reads them again.
        else limits.delete(id);
        for (const op of userOps) {
          const rec = op.op === 'delete' ? op.before : op.record;
          outcomes.push(
            r?.ok
              ? {
                  key: op.key,
                  ok: true,
                  id: `${id}|${normaliseType(rec.approvalType)}|${String(rec.approvalGroup ?? '')}`,
                }
              : {
                  key: op.key,
                  ok: false,
                  error:
                    r?.error ??
                    new ConnectorError(CONCUR_ERRORS.provisionNoResult, 'the bulk run returned no result', {
                      recordKey: op.key,
                      retryable: true,
                      writeOutcome: 'unknown',
                    }),
                },
          );
        }
      }
      return outcomes;
    },
  };
}

function source(env: ResourceEnv, options: DataRecord): SourceResource {
  return {
    async *read() {
      const all = target(env, options, { keyField: 'approverKey', mode: 'upsert' });
      for await (const page of all.list!()) if (page.length > 0) yield page.map((r) => r.record);
    },
  };
}

export const costObjectApproversOpeners: ConcurOpeners = { source, target };
