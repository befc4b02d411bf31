/**
 * One Concur exchange against the vendored specs: the operation it hits (a request to an operation
 * no spec defines is a mismatch), its query parameters (required, known, typed), the request body and
 * the response body by status. Answers of injected faults are not the system's and are not checked.
 */
import type { Mismatch, TestExchange } from '../mismatch.js';
import { checkSchema, type SchemaProblem } from '../schema.js';
import { PATH_ALIASES, UNSPECIFIED } from '../allowlist.js';
import { matchOperations, concurOperations, type Operation, type Parameter } from './operations.js';

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

function specPath(path: string): string {
  for (const alias of PATH_ALIASES) if (alias.wire.test(path)) return path.replace(alias.wire, alias.spec);
  return path;
}

function nearest(method: string, path: string): string {
  const sameMethod = concurOperations().filter((o) => o.method === method);
  const first = path.split('/').slice(0, 3).join('/');
  const near = sameMethod.filter((o) => o.template.startsWith(first)).map((o) => o.template);
  const other = concurOperations().filter((o) => o.method !== method && o.regex.test(path));
  if (other.length > 0) return ` (the spec has ${other.map((o) => `${o.method} ${o.template}`).join(', ')})`;
  return near.length > 0 ? ` (nearest: ${[...new Set(near)].slice(0, 4).join(', ')})` : '';
}

function scalarFits(p: Parameter, value: string): string | undefined {
  const type = p.schema.type as string | undefined;
  const values = type === 'array' ? value.split(',') : [value];
  const item = (type === 'array' ? (p.schema.items as Record<string, unknown> | undefined) : p.schema) ?? {};
  for (const v of values) {
    const t = item.type as string | undefined;
    if (t === 'integer' && !/^-?\d+$/.test(v)) return `${JSON.stringify(v)} is not an integer`;
    if (t === 'number' && !Number.isFinite(Number(v))) return `${JSON.stringify(v)} is not a number`;
    if (t === 'boolean' && !['true', 'false'].includes(v)) return `${JSON.stringify(v)} is not true or false`;
    const allowed = item.enum as unknown[] | undefined;
    if (allowed && !allowed.map(String).includes(v)) return `${JSON.stringify(v)} is not one of ${allowed.join(', ')}`;
  }
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function checkConcurExchange(x: TestExchange): Mismatch[] {
  const out: Mismatch[] = [];
  const url = new URL(x.request.url, 'http://wire');
  const request = `${x.request.method} ${x.request.url}`;
  const add = (side: Mismatch['side'], message: string, at?: string, spec?: string): void => {
    out.push({
      test: x.test,
      system: 'concur',
      request,
      side,
      message,
      ...(at !== undefined && { at }),
      ...(spec && { spec }),
    });
  };
  const path = specPath(url.pathname);
  if (UNSPECIFIED.some((u) => u.method === x.request.method && u.path.test(url.pathname))) return out;
  const op = matchOperations(x.request.method, path)[0];
  if (!op) {
    add(
      'operation',
      `no operation of the vendored specs is ${x.request.method} ${path}${nearest(x.request.method, path)}`,
    );
    return out;
  }
  const spec = `${op.doc.file}#${op.where}`;
  checkQuery(op, url.searchParams, (m) => add('request', m, undefined, spec));
  checkRequestBody(op, x, (m, at, s) => add('request', m, at, s ?? spec));
  if (x.response && x.fault === undefined) checkResponse(op, x, (m, at, s) => add('response', m, at, s ?? spec));
  return out;
}

function checkQuery(op: Operation, query: URLSearchParams, add: (m: string) => void): void {
  const defined = op.parameters.filter((p) => p.in === 'query');
  for (const p of defined) if (p.required && !query.has(p.name)) add(`required query parameter ${p.name} is missing`);
  for (const [name, value] of query) {
    const p = defined.find((d) => d.name === name);
    if (!p) {
      const known = defined.map((d) => d.name).join(', ') || 'none';
      add(`query parameter ${name} is not one the spec defines (it has ${known})`);
      continue;
    }
    const wrong = scalarFits(p, value);
    if (wrong) add(`query parameter ${name}: ${wrong}`);
  }
}

type Add = (message: string, at?: string, spec?: string) => void;

function report(problems: SchemaProblem[], where: 'body', add: Add): void {
  for (const p of problems) add(`${where}${p.at || ''} ${p.message}`, p.at, p.spec);
}

function checkRequestBody(op: Operation, x: TestExchange, add: Add): void {
  const body = x.request.body;
  const type = mediaType(x.request.headers['content-type']);
  const form = op.parameters.filter((p) => p.in === 'formData');
  if (body === '') {
    if (op.body?.required) add('the spec requires a request body; none was sent');
    return;
  }
  if (form.length > 0) {
    if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data')
      add(`content-type ${type || '(none)'}: the spec takes form data (${op.consumes.join(', ')})`);
    return; // the draft token spec has one unstructured formData "body" string: nothing more to check
  }
  if (!op.body) {
    add('a request body was sent; the spec defines none for this operation');
    return;
  }
  const accepted = op.body.mediaTypes;
  if (accepted.length > 0 && !accepted.some((m) => m === type || m === '*/*'))
    add(`content-type ${type || '(none)'}: the spec takes ${accepted.join(', ')}`);
  const parsed = parseJson(body);
  if (!parsed.ok) return add('the request body is not JSON');
  report(checkSchema(op.doc, op.body.schema, op.body.where, parsed.value, 'request'), 'body', add);
}

function checkResponse(op: Operation, x: TestExchange, add: Add): void {
  const res = x.response!;
  const documented = op.responses[String(res.status)] ?? op.responses.default;
  if (!documented) {
    if (res.status < 300)
      add(`status ${res.status} is not a response the spec documents (${Object.keys(op.responses).join(', ')})`);
    return;
  }
  if (!documented.schema) return;
  if (res.body === '') {
    if (res.status !== 204) add(`status ${res.status} has no body; the spec defines one`);
    return;
  }
  const parsed = parseJson(res.body);
  if (!parsed.ok) return add(`the response body is not JSON (content-type ${res.headers['content-type'] ?? 'none'})`);
  report(checkSchema(op.doc, documented.schema.schema, documented.schema.where, parsed.value, 'response'), 'body', add);
}
