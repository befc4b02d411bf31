/**
 * The operations of the vendored Concur specs (test/fixtures/specs/concur/), read straight from the
 * Swagger 2.0 and OpenAPI 3 files: method, full path template (basePath or server path + path),
 * parameters, request body and response schemas. Corrections of documented spec defects
 * (../allowlist.ts) are applied to the loaded documents, never to the files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaDoc } from '../schema.js';
import { resolveRef } from '../schema.js';
import { SPEC_CORRECTIONS } from '../allowlist.js';

export const CONCUR_SPECS_DIR = fileURLToPath(new URL('../../fixtures/specs/concur/', import.meta.url));

type Json = Record<string, unknown>;

export interface SchemaAt {
  schema: Json;
  /** JSON pointer of the schema in its file (`/definitions/Vendor`). */
  where: string;
}

export interface Parameter extends SchemaAt {
  name: string;
  in: 'query' | 'path' | 'header' | 'formData' | 'body' | 'cookie';
  required: boolean;
}

export interface Operation {
  doc: SchemaDoc;
  method: string;
  /** The path as the spec writes it (`/list/v4/lists/{listId}/bulk`). */
  path: string;
  /** Base path (or server path) + path. */
  template: string;
  regex: RegExp;
  /** `file#/paths/...` of the operation. */
  where: string;
  parameters: Parameter[];
  consumes: string[];
  produces: string[];
  body?: SchemaAt & { required: boolean; mediaTypes: string[] };
  responses: Record<string, { schema?: SchemaAt; mediaTypes: string[] }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

const pointer = (...parts: string[]): string =>
  `/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

function deref(doc: SchemaDoc, node: Json, where: string): SchemaAt {
  return typeof node.$ref === 'string' ? resolveRef(doc, node.$ref) : { schema: node, where };
}

function prefixes(json: Json): string[] {
  if (typeof json.basePath === 'string') return [json.basePath];
  const servers =
    (json.servers as { url: string; variables?: Record<string, { default: string }> }[] | undefined) ?? [];
  const out = servers.map((s) => {
    const url = s.url.replace(/\{(\w+)\}/g, (_, v: string) => s.variables?.[v]?.default ?? 'x');
    return url.startsWith('/') ? url : new URL(url).pathname;
  });
  return out.length > 0 ? [...new Set(out)] : [''];
}

function join2(prefix: string, path: string): string {
  const full = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return full.length > 1 ? full.replace(/\/+$/, '') : full;
}

function templateRegex(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

function parametersOf(doc: SchemaDoc, list: unknown, where: string): Parameter[] {
  return ((list as Json[] | undefined) ?? []).map((raw, i) => {
    const { schema: p, where: w } = deref(doc, raw, `${where}/${i}`);
    const schema = (p.schema as Json | undefined) ?? p;
    const at = p.schema ? `${w}/schema` : w;
    return {
      name: String(p.name),
      in: p.in as Parameter['in'],
      required: p.required === true,
      ...deref(doc, schema, at),
    };
  });
}

function mediaSchema(
  doc: SchemaDoc,
  content: Json | undefined,
  where: string,
): { schema?: SchemaAt; mediaTypes: string[] } {
  const types = Object.keys(content ?? {});
  const json = types.find((t) => t.includes('json')) ?? types[0];
  const schema = json === undefined ? undefined : (((content as Json)[json] as Json).schema as Json | undefined);
  return { mediaTypes: types, ...(schema && { schema: deref(doc, schema, `${where}${pointer(json!, 'schema')}`) }) };
}

function operationsOf(doc: SchemaDoc): Operation[] {
  const out: Operation[] = [];
  const json = doc.json;
  for (const [path, item] of Object.entries((json.paths as Record<string, Json> | undefined) ?? {})) {
    const shared = parametersOf(doc, item.parameters, pointer('paths', path, 'parameters'));
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const where = pointer('paths', path, method);
      const own = parametersOf(doc, op.parameters, `${where}/parameters`);
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      const consumes = (op.consumes ?? json.consumes ?? []) as string[];
      const produces = (op.produces ?? json.produces ?? []) as string[];
      let body: Operation['body'];
      const bodyParam = parameters.find((p) => p.in === 'body');
      if (bodyParam)
        body = { schema: bodyParam.schema, where: bodyParam.where, required: bodyParam.required, mediaTypes: consumes };
      if (op.requestBody) {
        const rb = deref(doc, op.requestBody as Json, `${where}/requestBody`);
        const m = mediaSchema(doc, rb.schema.content as Json | undefined, `${rb.where}/content`);
        if (m.schema) body = { ...m.schema, required: rb.schema.required === true, mediaTypes: m.mediaTypes };
      }
      const responses: Operation['responses'] = {};
      for (const [status, raw] of Object.entries((op.responses as Record<string, Json> | undefined) ?? {})) {
        const r = deref(doc, raw, `${where}/responses/${status}`);
        if (doc.swagger2) {
          const s = r.schema.schema as Json | undefined;
          responses[status] = { mediaTypes: produces, ...(s && { schema: deref(doc, s, `${r.where}/schema`) }) };
        } else responses[status] = mediaSchema(doc, r.schema.content as Json | undefined, `${r.where}/content`);
      }
      for (const prefix of prefixes(json)) {
        const template =
          path.startsWith(`${prefix.replace(/\/+$/, '')}/`) && prefix !== '/' ? path : join2(prefix, path);
        out.push({
          doc,
          method: method.toUpperCase(),
          path,
          template,
          regex: templateRegex(template),
          where,
          parameters: parameters.filter((p) => p.in !== 'body'),
          consumes,
          produces,
          ...(body && { body }),
          responses,
        });
      }
    }
  }
  return out;
}

function loadDocs(dir: string): SchemaDoc[] {
  const docs: SchemaDoc[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const name of readdirSync(join(dir, sub.name))
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const file = `${sub.name}/${name}`;
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
      for (const c of SPEC_CORRECTIONS.filter((x) => x.file === file)) c.apply(json);
      docs.push({ file, json, swagger2: json.swagger === '2.0' });
    }
  }
  return docs;
}

let cached: Operation[] | undefined;

/** Every operation of every vendored Concur spec (loaded once). */
export function concurOperations(): Operation[] {
  cached ??= loadDocs(CONCUR_SPECS_DIR).flatMap(operationsOf);
  return cached;
}

/** The operations whose template matches `path` for `method`, most specific first (fewest parameters). */
export function matchOperations(method: string, path: string): Operation[] {
  const params = (o: Operation): number => (o.template.match(/\{/g) ?? []).length;
  return concurOperations()
    .filter((o) => o.method === method && o.regex.test(path))
    .sort((a, b) => params(a) - params(b) || b.template.length - a.template.length);
}
