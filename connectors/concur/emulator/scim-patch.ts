/**
 * SCIM PATCH (RFC 7644 3.5.2) as far as User Provisioning uses it: add / replace / remove on plain
 * attributes, dotted sub-attributes, extension URNs (whole object or one attribute) and
 * `attr[a eq "x" and b eq "y"].sub` value filters.
 */
import type { Json } from './state.js';

export const USER_SCHEMA_URNS = [
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:User',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:Role',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:Approver',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:ApproverLimit',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:Delegate',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:UserPreference',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:WorkflowPreference',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:Payroll',
  'urn:ietf:params:scim:schemas:extension:travel:2.0:User',
] as const;

export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: string,
    /** The attribute at fault (`urn:...:enterprise:2.0:User:companyId`), for the Concur message's `schemaPath`. */
    readonly schemaPath?: string,
  ) {
    super(message);
  }
}

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

interface ParsedPath {
  /** The object the attribute lives in (the user or one extension). */
  urn: string | undefined;
  attr: string | undefined;
  filter: [string, string][] | undefined;
  sub: string | undefined;
}

export function parseFilterClauses(filter: string): [string, string][] {
  return filter.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*([\w.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(clause);
    if (!m) throw new ScimError(400, `Unsupported filter: ${clause}`, 'invalidFilter');
    return [m[1]!, m[2]!.replace(/\\"/g, '"')];
  });
}

function parsePath(path: string): ParsedPath {
  let urn: string | undefined;
  let rest = path;
  for (const u of USER_SCHEMA_URNS) {
    if (path === u) return { urn: u, attr: undefined, filter: undefined, sub: undefined };
    if (path.startsWith(`${u}:`)) {
      urn = u;
      rest = path.slice(u.length + 1);
      break;
    }
  }
  const m = /^([\w]+)(?:\[(.+)\])?(?:\.([\w]+))?$/.exec(rest);
  if (!m) throw new ScimError(400, `Invalid path: ${path}`, 'invalidPath');
  return { urn, attr: m[1], filter: m[2] ? parseFilterClauses(m[2]) : undefined, sub: m[3] };
}

function matchesFilter(el: unknown, filter: [string, string][]): boolean {
  if (!el || typeof el !== 'object') return false;
  return filter.every(([k, v]) => String((el as Json)[k] ?? '') === v);
}

function containerOf(user: Json, urn: string | undefined, create: boolean): Json | undefined {
  if (!urn) return user;
  let ext = user[urn] as Json | undefined;
  if (!ext && create) {
    ext = {};
    user[urn] = ext;
  }
  return ext;
}

export function applyPatch(user: Json, ops: PatchOperation[]): void {
  for (const op of ops) {
    const kind = String(op.op ?? '').toLowerCase();
    if (!['add', 'replace', 'remove'].includes(kind))
      throw new ScimError(400, `Unsupported op ${String(op.op)}`, 'invalidSyntax');
    if (!op.path) {
      if (kind === 'remove') throw new ScimError(400, 'remove needs a path', 'noTarget');
      if (!op.value || typeof op.value !== 'object')
        throw new ScimError(400, 'value must be an object', 'invalidValue');
      for (const [k, v] of Object.entries(op.value as Json)) {
        user[k] = kind === 'add' && isObject(user[k]) && isObject(v) ? { ...(user[k] as Json), ...(v as Json) } : v;
      }
      continue;
    }
    const p = parsePath(op.path);
    const container = containerOf(user, p.urn, kind !== 'remove');
    if (!p.attr) {
      // The whole extension object.
      if (kind === 'remove') delete user[p.urn!];
      else
        user[p.urn!] =
          kind === 'add' && isObject(user[p.urn!]) ? { ...(user[p.urn!] as Json), ...(op.value as Json) } : op.value;
      continue;
    }
    if (!container) {
      if (kind === 'remove') continue;
      throw new ScimError(400, `No target for ${op.path}`, 'noTarget');
    }
    if (p.filter) {
      const arr = container[p.attr];
      if (!Array.isArray(arr)) {
        if (kind === 'remove') continue;
        throw new ScimError(400, `No target for ${op.path}`, 'noTarget');
      }
      if (kind === 'remove' && !p.sub) {
        container[p.attr] = arr.filter((el) => !matchesFilter(el, p.filter!));
        continue;
      }
      const matched = arr.filter((el) => matchesFilter(el, p.filter!)) as Json[];
      if (matched.length === 0 && kind !== 'remove') throw new ScimError(400, `No target for ${op.path}`, 'noTarget');
      for (const el of matched) {
        if (p.sub) {
          if (kind === 'remove') delete el[p.sub];
          else el[p.sub] = op.value;
        } else if (isObject(op.value)) Object.assign(el, op.value);
      }
      continue;
    }
    if (p.sub) {
      const parent = (container[p.attr] ??= {}) as Json;
      if (kind === 'remove') delete parent[p.sub];
      else parent[p.sub] = op.value;
      continue;
    }
    if (kind === 'remove') delete container[p.attr];
    else if (kind === 'add' && Array.isArray(container[p.attr]) && Array.isArray(op.value)) {
      container[p.attr] = [...(container[p.attr] as unknown[]), ...op.value];
    } else container[p.attr] = op.value;
  }
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
