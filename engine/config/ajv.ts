/**
 * The one Ajv setup for every schema check: all errors at once, formats, defaults applied, and the
 * `x-secret` annotation keyword that marks config fields which must be `${env:}`/`${file:}` references.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../connector/types.js';
import type { Diagnostic } from './diagnostics.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function createAjv(options: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    useDefaults: options.useDefaults ?? false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  return ajv;
}

const shared = createAjv();
const cache = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = shared.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

export function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const part of pointerToPath(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(err: ErrorObject, where: string): { message: string; extra?: string; atKey?: boolean } {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return {
        message: `unknown property "${String(p.additionalProperty)}" in ${where}`,
        extra: String(p.additionalProperty),
        atKey: true,
      };
    case 'required':
      return { message: `${where} is missing required property "${String(p.missingProperty)}"` };
    case 'enum':
      return {
        message: `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { message: `${where} must be ${JSON.stringify(p.allowedValue)}` };
    case 'type':
      return { message: `${where} must be of type ${String(p.type)}` };
    case 'pattern':
      return { message: `${where} must match ${String(p.pattern)}` };
    case 'propertyNames':
      return {
        message: `property name "${String(p.propertyName)}" in ${where} is invalid`,
        extra: String(p.propertyName),
        atKey: true,
      };
    default:
      return { message: `${where} ${err.message ?? 'is invalid'}` };
  }
}

/**
 * Runs a compiled schema over `data` (which sits at `base` inside `file`) and returns one diagnostic
 * per schema error, placed at the offending key or value.
 */
export function schemaDiagnostics(
  validate: ValidateFunction,
  data: unknown,
  file: YamlFile,
  base: YamlPath,
  code = 'SCHEMA',
  skip: (error: ErrorObject, value: unknown) => boolean = () => false,
): Diagnostic[] {
  if (validate(data)) return [];
  const out: Diagnostic[] = [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if' && !skip(e, valueAt(data, e.instancePath)));
  for (const err of errors) {
    if (err.keyword === 'pattern' && err.propertyName !== undefined) continue; // reported as propertyNames
    const rel = pointerToPath(err.instancePath);
    const path = [...base, ...rel];
    const where = path.length === 0 ? 'the file' : path.join('.');
    const d = describe(err, where);
    const target = d.extra !== undefined ? [...path, d.extra] : path;
    const pos = file.locate(target, d.atKey ? 'key' : 'value');
    out.push({ file: file.path, line: pos.line, col: pos.col, code, message: d.message, severity: 'error' });
  }
  return out;
}
