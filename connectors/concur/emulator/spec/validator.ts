/**
 * Validates JSON against named definitions of the official Concur specs
 * (`shared/reference/specs/concur/`), with ajv. Swagger 2 `definitions` and OpenAPI 3
 * `components.schemas` are loaded as one schema per file so `$ref`s resolve. Request bodies no spec
 * file describes are checked against schemas transcribed from the docs (`doc-schemas.ts`, `docs/...`).
 *
 * The published files have defects that real responses contradict; each leniency below is
 * generic or named, and matches a documented fact (`shared/reference/concur-api.md`):
 * - `required` names that are not properties are typos and dropped (Vendor `CurrenyCode`,
 *   ListCategory `value`);
 * - v3 (XML heritage): a property declared as one object also accepts an array of it
 *   (`Items`, `Vendor`, `StatusList`, `LineItem`, `Allocation`), and any typed property accepts
 *   null (empty dates, `OrgUnit3: null`); v3 dates carry no zone;
 * - named patches in `PATCHES` (token type case, `expires_in` string or number, SCIM bulk PATCH
 *   operations, PatchOp `Operations` as an array, server-assigned `id` not required on create).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DOC_SCHEMA_FILES } from './doc-schemas.js';

type Schema = Record<string, unknown>;

/** The vendored copy `<repo>/test/fixtures/specs/concur` (byte-for-byte upstream files); SLUICE_CONCUR_SPECS overrides. */
export const DEFAULT_SPEC_DIR =
  process.env.SLUICE_CONCUR_SPECS ?? fileURLToPath(new URL('../../../../test/fixtures/specs/concur/', import.meta.url));

/** v3 date-time: `2025-02-12T15:02:00` (no zone) as well as RFC 3339. */
const LENIENT_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const PATCHES: Record<string, (defs: Record<string, Schema>) => void> = {
  'draft/Oauth2-token.json': (defs) => {
    defs.TokenType = { type: 'string', enum: ['bearer', 'Bearer'] };
    const props = (defs.TokenResponse as { properties: Record<string, Schema> }).properties;
    props.expires_in = { type: ['string', 'integer'] };
    props.refresh_expires_in = { type: ['string', 'integer'] };
    props.id_token = { type: 'string' };
  },
  'v4-0/UserProvisioning.swagger2.json': (defs) => {
    const user = defs.User as { required?: string[] };
    defs.UserCreate = { ...user, required: (user.required ?? []).filter((r) => r !== 'id') };
    // PatchOp.Operations is typed as one object whose `value` is an object; the docs send an array
    // of operations whose values are strings, booleans, arrays or objects.
    const patchOperation = (defs.PatchOp as { properties: { Operations: { properties: Record<string, Schema> } } })
      .properties.Operations;
    defs.PatchOperation = { ...patchOperation, properties: { ...patchOperation.properties, value: {} } };
    defs.PatchOp = {
      type: 'object',
      properties: {
        schemas: { type: 'array', items: { type: 'string' } },
        Operations: { type: 'array', items: { $ref: '#/definitions/PatchOperation' } },
      },
    };
    const bulkOp = (
      defs.BulkRequest as { properties: { Operations: { items: { properties: Record<string, Schema> } } } }
    ).properties.Operations.items.properties;
    bulkOp.path = { type: 'string', pattern: '^/Users(/[^/]+)?$' };
    bulkOp.data = { anyOf: [{ $ref: '#/definitions/UserCreate' }, { $ref: '#/definitions/PatchOp' }] };
  },
};

function isV3(file: string): boolean {
  return file.startsWith('v3-0/') || file.startsWith('v3-1/');
}

function transform(node: unknown, defs: Record<string, Schema>, v3: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => transform(n, defs, v3));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) out[k] = transform(v, defs, v3);
  const props = out.properties as Record<string, Schema> | undefined;
  if (props && Array.isArray(out.required)) out.required = (out.required as string[]).filter((r) => r in props);
  if (v3 && props) {
    for (const [name, prop] of Object.entries(props)) {
      if (typeof prop.$ref === 'string') {
        props[name] = { anyOf: [{ $ref: prop.$ref }, { type: 'array', items: { $ref: prop.$ref } }, { type: 'null' }] };
      } else if (typeof prop.type === 'string') {
        props[name] = { ...prop, type: [prop.type, 'null'] };
      }
    }
  }
  return out;
}

export type SchemaRef = string | { arrayOf: string } | { anyOf: string[] };

export class SpecRegistry {
  private readonly ajv: Ajv;
  private readonly loaded = new Set<string>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly specDir: string = DEFAULT_SPEC_DIR) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
    addFormats(this.ajv);
    this.ajv.addFormat('date-time', LENIENT_DATE_TIME);
    for (const f of ['int32', 'int64', 'double', 'float']) this.ajv.addFormat(f, true);
  }

  private load(file: string): void {
    if (this.loaded.has(file)) return;
    const raw = DOC_SCHEMA_FILES[file] ?? this.read(file);
    const defs = transform(raw, raw, isV3(file)) as Record<string, Schema>;
    PATCHES[file]?.(defs);
    this.ajv.addSchema({ $id: `concur:${file}`, definitions: defs });
    this.loaded.add(file);
  }

  private read(file: string): Record<string, Schema> {
    const text = readFileSync(join(this.specDir, file), 'utf8').replace(/#\/components\/schemas\//g, '#/definitions/');
    const doc = JSON.parse(text) as {
      definitions?: Record<string, Schema>;
      components?: { schemas?: Record<string, Schema> };
    };
    return doc.definitions ?? doc.components?.schemas ?? {};
  }

  validator(file: string, ref: SchemaRef): ValidateFunction {
    const key = `${file}|${JSON.stringify(ref)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    this.load(file);
    const at = (name: string): Schema => ({ $ref: `concur:${file}#/definitions/${name}` });
    const schema =
      typeof ref === 'string'
        ? at(ref)
        : 'arrayOf' in ref
          ? { type: 'array', items: at(ref.arrayOf) }
          : { anyOf: ref.anyOf.map(at) };
    const fn = this.ajv.compile(schema);
    this.cache.set(key, fn);
    return fn;
  }

  /** Problems of `data` against the definition, as `path message` lines; empty when valid. */
  check(file: string, ref: SchemaRef, data: unknown): string[] {
    const fn = this.validator(file, ref);
    if (fn(data)) return [];
    return (fn.errors ?? [])
      .slice(0, 10)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim());
  }
}
