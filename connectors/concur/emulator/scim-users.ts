/**
 * Users as SCIM documents: create / replace / patch with the validation User Provisioning applies,
 * and the read views (Identity: core + enterprise; Spend: the spend extensions).
 */
import { randomUUID } from 'node:crypto';
import {
  applyDocumentedDefaults,
  checkUserCreate,
  DOCUMENTED_DEFAULTS,
  type UserCreateRules,
} from './scim-create-rules.js';
import { applyPatch, parseFilterClauses, ScimError, type PatchOperation } from './scim-patch.js';
import type { EmulatorState, Json } from './state.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SPEND_USER = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
export const APPROVER_LIMIT = 'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit';
const SPEND_PREFIX = 'urn:ietf:params:scim:schemas:extension:spend:2.0:';
const APPROVAL_TYPES = ['report', 'expense', 'payment', 'request', 'purchaseRequest'];

function validate(state: EmulatorState, user: Json, selfId: string | undefined): void {
  if (typeof user.userName !== 'string' || user.userName.trim() === '')
    throw new ScimError(400, 'userName is required', 'invalidValue');
  const other = state.userByName(user.userName);
  if (other && other.id !== selfId)
    throw new ScimError(409, `userName ${user.userName} is already in use`, 'uniqueness');
  const name = user.name as Json | undefined;
  if (!name || typeof name.givenName !== 'string' || typeof name.familyName !== 'string') {
    throw new ScimError(400, 'name.givenName and name.familyName are required', 'invalidValue');
  }
  if (user.emails !== undefined && !Array.isArray(user.emails))
    throw new ScimError(400, 'emails must be an array', 'invalidValue');
  const spend = user[SPEND_USER] as Json | undefined;
  if (spend) {
    for (const f of ['reimbursementCurrency', 'country', 'locale']) {
      if (typeof spend[f] !== 'string' || spend[f] === '')
        throw new ScimError(400, `${SPEND_USER}:${f} is required`, 'invalidValue');
    }
  }
  const limits = user[APPROVER_LIMIT] as Json | undefined;
  for (const key of ['costObjectApprover', 'authorizedApprover']) {
    const entries = limits?.[key];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) throw new ScimError(400, `${APPROVER_LIMIT}:${key} must be an array`, 'invalidValue');
    for (const e of entries as Json[]) {
      if (!APPROVAL_TYPES.includes(String(e.approvalType)))
        throw new ScimError(400, `approvalType ${String(e.approvalType)} is not valid`, 'invalidValue');
      const group = String(e.approvalGroup ?? '');
      if (group !== '' && ![...state.listItems.values()].some((i) => i.code === group && !i.isDeleted)) {
        throw new ScimError(400, `approvalGroup ${group} is not a node of the approval hierarchy`, 'invalidValue');
      }
    }
  }
}

function stamp(user: Json, origin: string, created: boolean): void {
  const now = new Date().toISOString();
  const meta = (user.meta as Json | undefined) ?? {};
  user.meta = {
    resourceType: 'User',
    created: created ? now : (meta.created ?? now),
    lastModified: now,
    version: created ? 0 : Number(meta.version ?? 0) + 1,
    location: `${origin}/profile/identity/v4/Users/${String(user.id)}`,
  };
}

/** A create: what it sends, checked against what User Provisioning requires on create (scim-create-rules.ts). */
export function createUser(state: EmulatorState, data: Json, origin: string, rules: UserCreateRules = 'spec'): Json {
  const user: Json = {
    ...structuredClone(data),
    id: randomUUID(),
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  };
  applyDocumentedDefaults(user, rules);
  validate(state, user, undefined);
  checkUserCreate(user, rules, state.company.companyUuid);
  stamp(user, origin, true);
  state.users.set(String(user.id), user);
  return user;
}

export function replaceUser(state: EmulatorState, id: string, data: Json, origin: string): Json {
  const existing = state.users.get(id);
  if (!existing) throw new ScimError(404, `User ${id} was not found`);
  // "When attributes are not provisioned, system default values will be provisioned" (docs, PUT).
  const user: Json = {
    active: true,
    ...DOCUMENTED_DEFAULTS,
    emails: [],
    ...structuredClone(data),
    id,
    schemas: existing.schemas,
    meta: existing.meta,
  };
  validate(state, user, id);
  stamp(user, origin, false);
  state.users.set(id, user);
  return user;
}

export function patchUser(state: EmulatorState, id: string, ops: PatchOperation[], origin: string): Json {
  const existing = state.users.get(id);
  if (!existing) throw new ScimError(404, `User ${id} was not found`);
  const next = structuredClone(existing);
  if (!Array.isArray(ops)) throw new ScimError(400, 'Operations must be an array', 'invalidSyntax');
  applyPatch(next, ops);
  next.id = id;
  validate(state, next, id);
  stamp(next, origin, false);
  state.users.set(id, next);
  return next;
}

export function identityView(user: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(user)) if (!k.startsWith(SPEND_PREFIX)) out[k] = v;
  return out;
}

/** Spend view; ApproverLimit entries outside the global group only when `attributes` asks for it. */
export function spendView(user: Json, attributes: string | null): Json {
  const out: Json = {
    schemas: ['urn:com.concur.spend.user.model.scim.ScimResource'],
    id: user.id,
    externalId: user.externalId ?? null,
    meta: null,
  };
  for (const [k, v] of Object.entries(user)) {
    if (!k.startsWith(SPEND_PREFIX)) continue;
    (out.schemas as string[]).push(k);
    if (k === APPROVER_LIMIT && !(attributes ?? '').includes(APPROVER_LIMIT)) {
      const limits = v as Json;
      const global = (arr: unknown): Json[] =>
        ((arr as Json[] | undefined) ?? []).filter((e) => String(e.approvalGroup ?? '') === '');
      out[k] = {
        costObjectApprover: global(limits.costObjectApprover),
        authorizedApprover: global(limits.authorizedApprover),
      };
    } else out[k] = v;
  }
  return out;
}

/** `attr eq "v"` (and-joined) over userName, externalId, id, active, employeeNumber. */
export function userFilter(filter: string | null | undefined): (u: Json) => boolean {
  if (!filter || filter.trim() === '') return () => true;
  const clauses = parseFilterClauses(filter.replace(/\beq\s+(true|false)\b/gi, 'eq "$1"'));
  return (u) =>
    clauses.every(([attr, value]) => {
      const key = attr.replace(`${ENTERPRISE}:`, '');
      const actual = key === 'employeeNumber' ? (u[ENTERPRISE] as Json | undefined)?.employeeNumber : u[key];
      return attr === 'userName'
        ? String(actual ?? '').toLowerCase() === value.toLowerCase()
        : String(actual ?? '') === value;
    });
}

/** `urn:...:ApproverLimit:costObjectApprover[approvalType eq "report" and approvalGroup eq "X"]`. */
export function approverLimitFilter(filter: string): ((u: Json) => boolean) | undefined {
  const prefix = `${APPROVER_LIMIT}:`;
  if (!filter.startsWith(prefix)) return undefined;
  const m = /^(costObjectApprover|authorizedApprover)\[(.+)\]$/.exec(filter.slice(prefix.length));
  if (!m) throw new ScimError(400, `Unsupported filter: ${filter}`, 'invalidFilter');
  const clauses = parseFilterClauses(m[2]!);
  return (u) => {
    const entries = ((u[APPROVER_LIMIT] as Json | undefined)?.[m[1]!] as Json[] | undefined) ?? [];
    return entries.some((e) => clauses.every(([k, v]) => String(e[k] ?? '') === v));
  };
}
