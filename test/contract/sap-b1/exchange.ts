/**
 * One Service Layer request and its answer against the vendored $metadata: the resource it
 * addresses, the query options of a read, the body of a write (both directions) and of a function
 * import, and the error envelope of each version (fact sheet §3). Used for plain requests and for
 * each part of a `$batch` (check.ts).
 */
import type { Mismatch } from '../mismatch.js';
import { LOGIN_LANGUAGE } from '../allowlist.js';
import { METADATA } from './metadata.js';
import { queryProblems } from './query.js';
import { address, type Addressed } from './resource.js';
import { entityProblems, isAnnotation, valueProblems, type ValueProblem, type Version } from './values.js';

export interface Message {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}
export type Add = (side: Mismatch['side'], message: string, at?: string, spec?: string) => void;

const mediaType = (h: Record<string, string>): string => (h['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

function json(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function reportValues(side: Mismatch['side'], problems: ValueProblem[], add: Add): void {
  for (const p of problems) add(side, `body${p.at} ${p.message}`, p.at, p.spec);
}

export interface Checked {
  addressed: Addressed;
  method: string;
  select?: Set<string>;
}

function paramsProblems(
  fn: { name: string; parameters: { name: string; type: string }[] },
  body: unknown,
  version: Version,
): ValueProblem[] {
  const spec = `${METADATA}: FunctionImport ${fn.name}`;
  if (body === undefined) return [];
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return [{ at: '', message: 'is not an object of parameters', spec }];
  const out: ValueProblem[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const p = fn.parameters.find((x) => x.name === key);
    if (!p) {
      const names = fn.parameters.map((x) => x.name).join(', ') || 'none';
      out.push({ at: `/${key}`, message: `is not a parameter of ${fn.name} (it has ${names})`, spec });
      continue;
    }
    if (fn.name === 'Login' && key === 'Language' && LOGIN_LANGUAGE.accepts(value)) continue;
    valueProblems(p.type, value, true, { version, direction: 'request' }, `/${key}`, out, 0, spec);
  }
  return out;
}

export function checkRequest(req: Message, add: Add): Checked | undefined {
  const url = new URL(req.url, 'http://wire');
  const override = req.method === 'POST' ? req.headers['x-http-method-override'] : undefined;
  const method = (override ?? req.method).toUpperCase();
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    pathname = url.pathname;
  }
  const addressed = address(pathname);
  if (!addressed) return undefined; // /ping and other paths outside the Service Layer roots
  const { version, resource } = addressed;
  for (const p of addressed.problems) add('request', p);
  if (resource.kind === 'unknown') {
    add('operation', resource.problem, undefined, METADATA);
    return undefined;
  }
  const body = req.body.trim() === '' ? undefined : json(req.body);
  if (body && !body.ok && resource.kind !== 'batch') add('request', 'the request body is not JSON');
  if (body?.ok && mediaType(req.headers) !== 'application/json')
    add('request', `content-type ${mediaType(req.headers) || '(none)'} for a JSON body`);
  const value = body?.ok ? body.value : undefined;
  const ctx = { version, direction: 'request' as const };
  const readsOnly = ['GET'];
  const allowed: Record<string, string[]> = {
    login: ['POST'],
    logout: ['POST'],
    metadata: readsOnly,
    service: readsOnly,
    batch: ['POST'],
    set: ['GET', 'POST'],
    entity: ['GET', 'PATCH', 'PUT', 'MERGE', 'DELETE'],
    count: readsOnly,
    action: ['POST'],
    function: ['POST'],
  };
  if (!allowed[resource.kind]!.includes(method))
    add('operation', `${method} is not how ${resource.kind} resources are called`);
  const query = url.searchParams;
  const reads = method === 'GET' && ['set', 'entity', 'count'].includes(resource.kind);
  if (reads && 'type' in resource)
    for (const p of queryProblems(query, resource.type, version)) add('request', p, undefined, METADATA);
  else if ([...query.keys()].length > 0 && resource.kind !== 'metadata')
    add('request', `query options on ${method} ${resource.kind}: ${url.search}`);
  if (resource.kind === 'login' || resource.kind === 'function' || resource.kind === 'action') {
    const fn =
      resource.kind === 'function' || resource.kind === 'action'
        ? resource.fn
        : { name: 'Login', parameters: LOGIN_LANGUAGE.parameters() };
    reportValues('request', paramsProblems(fn, value, version), add);
  } else if (
    (resource.kind === 'set' && method === 'POST') ||
    (resource.kind === 'entity' && method !== 'GET' && method !== 'DELETE')
  ) {
    if (value === undefined) add('request', `${method} without a body`);
    else reportValues('request', entityProblems(resource.type.name, value, ctx), add);
  } else if (value !== undefined && resource.kind !== 'batch') add('request', `a body on ${method} ${resource.kind}`);
  if (!['login', 'metadata'].includes(resource.kind) && !/B1SESSION=/.test(req.headers.cookie ?? ''))
    add('request', 'no B1SESSION cookie (sap-b1-service-layer.md §2)');
  const select = query.get('$select');
  return { addressed, method, ...(select !== null && { select: new Set(select.split(',').map((s) => s.trim())) }) };
}

const ERROR_SPEC = 'sap-b1-service-layer.md §3 (error shapes)';

function errorProblems(version: Version, value: unknown): string | undefined {
  const e = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!e || typeof e !== 'object') return 'an error answer without {"error": {...}}';
  if (version === 'v1') {
    const m = e.message as { lang?: unknown; value?: unknown } | undefined;
    if (typeof e.code !== 'number') return `v1 error code is ${JSON.stringify(e.code)}, a number in v1`;
    if (typeof m?.value !== 'string') return 'v1 error message is not {"lang", "value"}';
  } else {
    if (typeof e.code !== 'string') return `v2 error code is ${JSON.stringify(e.code)}, a string in v2`;
    if (typeof e.message !== 'string') return 'v2 error message is not a string';
  }
  return undefined;
}

export function checkReply(c: Checked, reply: Reply, add: Add): void {
  const { version, resource } = c.addressed;
  const body = reply.body.trim() === '' ? undefined : json(reply.body);
  const isJson = mediaType(reply.headers) === 'application/json';
  if (reply.status >= 400) {
    if (!body?.ok) return add('response', `status ${reply.status} without a JSON error body`, undefined, ERROR_SPEC);
    const wrong = errorProblems(version, body.value);
    if (wrong) add('response', wrong, undefined, ERROR_SPEC);
    return;
  }
  if (isJson) {
    const expected = version === 'v2' ? 'odata.metadata=minimal' : 'odata=minimalmetadata';
    if (!(reply.headers['content-type'] ?? '').includes(expected))
      add(
        'response',
        `content-type ${reply.headers['content-type']}: ${version} answers ${expected}`,
        undefined,
        'sap-b1-service-layer.md §1',
      );
  }
  if (body && !body.ok) {
    if (isJson) add('response', 'the response body is not JSON');
    return;
  }
  const value = body?.value;
  const ctx = { version, direction: 'response' as const, ...(c.select && { select: c.select }) };
  const noBody = (why: string): void => void (value !== undefined && add('response', `a body on ${why}`));
  switch (resource.kind) {
    case 'login':
      if (value !== undefined) reportValues('response', entityProblems('B1Session', value, ctx), add);
      return;
    case 'set':
      if (c.method === 'POST') {
        if (reply.status === 201) reportValues('response', entityProblems(resource.type.name, value ?? {}, ctx), add);
        else if (reply.status === 204) noBody('204');
        return;
      }
      return collection(resource.type.name, value, ctx, add);
    case 'entity':
      if (c.method === 'GET') reportValues('response', entityProblems(resource.type.name, value, ctx), add);
      else if (reply.status === 204) noBody(`${c.method} 204`);
      return;
    case 'count':
      if (!/^\d+$/.test(reply.body.trim()))
        add('response', `$count answered ${JSON.stringify(reply.body.slice(0, 40))}, not a number`);
      return;
    case 'action':
    case 'function': {
      const returns = resource.fn.returnType;
      if (!returns) return noBody(`${resource.fn.name}, which returns nothing`);
      const out: ValueProblem[] = [];
      const v =
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        'value' in value &&
        !returns.startsWith('SAPB1.')
          ? (value as { value: unknown }).value
          : value;
      const inner =
        returns.startsWith('Collection(') && v && typeof v === 'object' && 'value' in v
          ? (v as { value: unknown }).value
          : v;
      valueProblems(returns, inner, true, ctx, '', out, 0, `${METADATA}: FunctionImport ${resource.fn.name}`);
      return reportValues('response', out, add);
    }
    default:
      return;
  }
}

function collection(
  typeName: string,
  value: unknown,
  ctx: { version: Version; direction: 'response'; select?: Set<string> },
  add: Add,
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return add('response', 'a collection answer is not {"value": [...]}');
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'value') {
      if (!Array.isArray(v)) add('response', 'value is not an array');
      else v.forEach((e, i) => reportValues('response', entityProblems(typeName, e, ctx, `/value/${i}`), add));
    } else if (!isAnnotation(key)) add('response', `body/${key} is not part of a collection answer`);
    else if (ctx.version === 'v2' ? !key.startsWith('@odata.') : !key.startsWith('odata.'))
      add('response', `body/${key} is not a ${ctx.version} annotation`, undefined, 'sap-b1-service-layer.md §1');
  }
}
