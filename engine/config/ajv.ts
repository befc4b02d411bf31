/**
 * The one Ajv setup for every schema check: all errors at once, formats, defaults applied, and the
 * `x-secret` annotation keyword that marks config fields which must be `${env:}`/`${file:}` references.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from '../connector/types.js';
import type { Diagnostic } from './diagnostics.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

// Ajv itself loads only when a schema has no precompiled validator (start-up: see below).
const require = createRequire(import.meta.url);

/** `standalone`: for scripts/precompile-schemas.mjs, which writes each validator's code at build time. */
export function createAjv(options: { useDefaults?: boolean; standalone?: boolean } = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    useDefaults: options.useDefaults ?? false,
    allowUnionTypes: true,
    ...(options.standalone && { code: { source: true } }),
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  return ajv;
}

const ajvs = new Map<boolean, Ajv>();
const caches = new Map<boolean, WeakMap<object, ValidateFunction>>([
  [false, new WeakMap()],
  [true, new WeakMap()],
]);

/** A schema's identity for its precompiled validator: the hash of its JSON. */
export function schemaKey(schema: JsonSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

/**
 * Validators compiled at build time (scripts/precompile-schemas.mjs writes them beside this file in
 * dist/): compiling the schemas at start-up cost `sluice validate` most of its time. A schema
 * without one (tests on the sources, a schema that changed) is compiled here, the same way.
 */
const PRECOMPILED = fileURLToPath(new URL('./precompiled/', import.meta.url));

/** The file name of a schema's precompiled validator (`-defaults`: the one that applies defaults). */
export function precompiledName(schema: JsonSchema, useDefaults: boolean): string {
  return `${schemaKey(schema)}${useDefaults ? '-defaults' : ''}.cjs`;
}

function precompiled(schema: JsonSchema, useDefaults: boolean): ValidateFunction | undefined {
  const file = `${PRECOMPILED}${precompiledName(schema, useDefaults)}`;
  return existsSync(file) ? (require(file) as ValidateFunction) : undefined;
}

/** The validator of a schema (`useDefaults`: one that fills in defaults as it validates). */
export function compileSchema(schema: JsonSchema, options: { useDefaults?: boolean } = {}): ValidateFunction {
  const useDefaults = options.useDefaults === true;
  const cache = caches.get(useDefaults)!;
  let fn = cache.get(schema);
  if (!fn) {
    fn = precompiled(schema, useDefaults);
    if (!fn) {
      let ajv = ajvs.get(useDefaults);
      if (!ajv) ajvs.set(useDefaults, (ajv = createAjv({ useDefaults })));
      fn = ajv.compile(schema);
    }
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
 * A value that matches no branch of a `oneOf` gets the errors of every branch, plus the `oneOf` one.
 * Where exactly one branch has the value's type (`transform: { fle: x }` is an object, not a
 * string), only that branch's errors are kept; where none has, one type error names them all.
 */
function oneOfErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const add: ErrorObject[] = [];
  for (const one of errors) {
    if (one.keyword !== 'oneOf') continue;
    const prefix = `${one.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if (branches.size === 0) continue; // more than one branch matched
    const typeError = (list: ErrorObject[]): ErrorObject | undefined =>
      list.find((e) => e.keyword === 'type' && e.instancePath === one.instancePath);
    const typed = [...branches.values()].filter((list) => !typeError(list));
    if (typed.length > 1) continue; // several branches fit the type: every error may help
    drop.add(one);
    for (const list of branches.values())
      if (typed.length === 0 || list !== typed[0]) for (const e of list) drop.add(e);
    if (typed.length === 0) {
      const types = [...branches.values()].map((list) => String(typeError(list)?.params.type));
      add.push({ ...typeError([...branches.values()][0]!)!, params: { type: [...new Set(types)].join(' or ') } });
    }
  }
  return [...errors.filter((e) => !drop.has(e)), ...add];
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
  const errors = oneOfErrors(validate.errors ?? []).filter(
    (e) => e.keyword !== 'if' && !skip(e, valueAt(data, e.instancePath)),
  );
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
