/**
 * Static checks of a ConnectorDefinition: naming, schemas that compile under Ajv 8 (draft-07, strict
 * schema mode, ajv-formats, the `x-secret` keyword), and sane roles and capabilities. Returns every
 * problem at once, so one failing test lists them all.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  DELETE_ACTIONS,
  MODES,
  ROLES,
  type ConnectorDefinition,
  type JsonSchema,
  type ResourceDefinition,
} from '../../engine/connector/types.js';

// ajv-formats is CommonJS: under NodeNext its default import is the plugin function itself.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The Ajv instance connector schemas must compile with (what the engine's validator uses). */
export function conformanceAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  return ajv;
}

const NAME = /^[a-z][a-z0-9-]*$/;

export function compileSchema(
  ajv: Ajv,
  schema: JsonSchema,
  where: string,
  problems: string[],
): ValidateFunction | undefined {
  try {
    return ajv.compile(schema);
  } catch (err) {
    problems.push(`${where}: does not compile: ${(err as Error).message}`);
    return undefined;
  }
}

function checkObjectSchema(schema: JsonSchema, where: string, problems: string[]): void {
  if (schema.type !== 'object') problems.push(`${where}: must be "type": "object"`);
  if (schema.additionalProperties !== false) problems.push(`${where}: must set "additionalProperties": false`);
}

function subset(values: readonly string[] | undefined, allowed: readonly string[]): boolean {
  return values === undefined || (Array.isArray(values) && values.every((v) => allowed.includes(v)));
}

/** Each role a resource offers is one it can open: the engine dispatches to these hooks. */
function checkOpeners(name: string, r: ResourceDefinition<never>, problems: string[]): void {
  const where = `resource "${name}"`;
  const reads = r.roles.includes('source') || r.roles.includes('lookup');
  if (reads !== (typeof r.openSource === 'function'))
    problems.push(`${where}: openSource must be a function exactly when the roles include source or lookup`);
  if (r.roles.includes('target') !== (typeof r.openTarget === 'function'))
    problems.push(`${where}: openTarget must be a function exactly when the roles include target`);
  if (r.check !== undefined && typeof r.check !== 'function') problems.push(`${where}: check must be a function`);
}

function checkCapabilities(name: string, r: ResourceDefinition<never>, problems: string[]): void {
  const c = r.capabilities;
  const where = `resource "${name}"`;
  if (typeof c !== 'object' || c === null) {
    problems.push(`${where}: capabilities must be an object`);
    return;
  }
  const isTarget = r.roles.includes('target');
  const isSource = r.roles.includes('source');
  if (c.bulkSize !== undefined && (!Number.isInteger(c.bulkSize) || c.bulkSize < 1))
    problems.push(`${where}: bulkSize must be an integer >= 1`);
  if (isTarget && c.bulkSize === undefined) problems.push(`${where}: a target must declare bulkSize (>= 1)`);
  if (!subset(c.modes, MODES)) problems.push(`${where}: modes must be a subset of ${MODES.join(', ')}`);
  if (c.modes !== undefined && c.modes.length === 0) problems.push(`${where}: modes, when given, must not be empty`);
  if (!subset(c.deleteActions, DELETE_ACTIONS))
    problems.push(`${where}: deleteActions must be a subset of ${DELETE_ACTIONS.join(', ')}`);
  for (const key of ['bulkSize', 'modes', 'deleteActions', 'immutable', 'list'] as const) {
    if (c[key] !== undefined && !isTarget)
      problems.push(`${where}: capability ${key} only makes sense with the target role`);
  }
  for (const key of ['incremental', 'confirm'] as const) {
    if (c[key] !== undefined && !isSource)
      problems.push(`${where}: capability ${key} only makes sense with the source role`);
  }
  for (const key of ['immutable', 'incremental', 'confirm', 'list'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') problems.push(`${where}: ${key} must be a boolean`);
  }
}

/** Every problem with the definition's shape, schemas and capabilities; empty when it conforms. */
export function definitionProblems(def: ConnectorDefinition<never>, ajv: Ajv = conformanceAjv()): string[] {
  const problems: string[] = [];
  if (typeof def.name !== 'string' || !NAME.test(def.name))
    problems.push(`name "${String(def.name)}" must match ${NAME}`);
  if (typeof def.description !== 'string' || def.description.trim() === '')
    problems.push('description must be a non-empty string');
  if (typeof def.open !== 'function') problems.push('open must be a function');
  if (typeof def.configSchema !== 'object' || def.configSchema === null) {
    problems.push('configSchema must be a JSON Schema object');
  } else {
    checkObjectSchema(def.configSchema, 'configSchema', problems);
    compileSchema(ajv, def.configSchema, 'configSchema', problems);
  }
  const resources = Object.entries(def.resources ?? {});
  if (resources.length === 0) problems.push('resources must offer at least one resource');
  for (const [name, r] of resources) {
    const where = `resource "${name}"`;
    if (!NAME.test(name)) problems.push(`${where}: name must match ${NAME}`);
    if (typeof r.description !== 'string' || r.description.trim() === '')
      problems.push(`${where}: description must be a non-empty string`);
    if (
      !Array.isArray(r.roles) ||
      r.roles.length === 0 ||
      !subset(r.roles, ROLES) ||
      new Set(r.roles).size !== r.roles.length
    ) {
      problems.push(`${where}: roles must be a non-empty list of distinct ${ROLES.join(', ')}`);
      continue;
    }
    if (typeof r.key !== 'string' || r.key === '') problems.push(`${where}: key must name a field`);
    checkOpeners(name, r, problems);
    if (typeof r.optionsSchema !== 'object' || r.optionsSchema === null) {
      problems.push(`${where}: optionsSchema must be a JSON Schema object`);
    } else {
      checkObjectSchema(r.optionsSchema, `${where} optionsSchema`, problems);
      compileSchema(ajv, r.optionsSchema, `${where} optionsSchema`, problems);
    }
    checkCapabilities(name, r, problems);
  }
  return problems;
}
