/**
 * The published JSON Schemas for editors (`# yaml-language-server: $schema=...`): the envelope
 * schemas with every connector's config and resource options folded in, generated from the
 * registry and checked in (a test fails when they are stale).
 */
import type { Registry } from '../connector/registry.js';
import type { JsonSchema, Role } from '../connector/types.js';
import { loadJsonSchema } from '../connector/load-schema.js';

const pipelineEnvelope = (): JsonSchema =>
  loadJsonSchema(new URL('../../schemas/pipeline.schema.json', import.meta.url));
const connectionsEnvelope = (): JsonSchema =>
  loadJsonSchema(new URL('../../schemas/connections.schema.json', import.meta.url));

export const BUNDLES = {
  pipeline: 'schemas/pipeline.bundle.schema.json',
  connections: 'schemas/connections.bundle.schema.json',
} as const;

/** if resource == X then options must match X's options schema (several connectors may share X). */
function optionsByResource(registry: Registry, role: Role): JsonSchema[] {
  const byName = new Map<string, JsonSchema[]>();
  for (const def of registry.connectors.values()) {
    for (const [name, res] of Object.entries(def.resources)) {
      if (!res.roles.includes(role)) continue;
      const list = byName.get(name) ?? [];
      list.push({ ...res.optionsSchema, description: `${def.name} / ${name}: ${res.description}` });
      byName.set(name, list);
    }
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, schemas]) => ({
      if: { properties: { resource: { const: name } }, required: ['resource'] },
      then: { properties: { options: schemas.length === 1 ? schemas[0]! : { anyOf: schemas } } },
    }));
}

function resourceEnum(registry: Registry, role: Role): string[] {
  const names = new Set<string>();
  for (const def of registry.connectors.values())
    for (const [n, r] of Object.entries(def.resources)) if (r.roles.includes(role)) names.add(n);
  return [...names].sort();
}

export function buildPipelineBundle(registry: Registry): JsonSchema {
  const schema = structuredClone(pipelineEnvelope()) as JsonSchema & {
    definitions: Record<string, JsonSchema & { properties: Record<string, JsonSchema> }>;
  };
  schema.$id = 'https://sluice.dev/schemas/pipeline.bundle.schema.json';
  const defs = schema.definitions;
  for (const [def, role] of [
    ['source', 'source'],
    ['lookup', 'lookup'],
    ['target', 'target'],
  ] as const) {
    const d = defs[def]!;
    d.properties.resource = { ...d.properties.resource, enum: resourceEnum(registry, role) };
    d.allOf = optionsByResource(registry, role);
  }
  return schema;
}

export function buildConnectionsBundle(registry: Registry): JsonSchema {
  const schema = structuredClone(connectionsEnvelope()) as JsonSchema & {
    properties: { connections: { additionalProperties: JsonSchema & { properties: Record<string, JsonSchema> } } };
  };
  schema.$id = 'https://sluice.dev/schemas/connections.bundle.schema.json';
  const entry = schema.properties.connections.additionalProperties;
  entry.properties.connector = { ...entry.properties.connector, enum: registry.names() };
  entry.allOf = registry.names().map((name) => {
    const cfg = registry.get(name)!.configSchema as JsonSchema & { properties?: Record<string, JsonSchema> };
    return {
      if: { properties: { connector: { const: name } }, required: ['connector'] },
      then: { ...cfg, properties: { connector: { const: name }, ...(cfg.properties ?? {}) } },
    };
  });
  return schema;
}

export function bundleText(schema: JsonSchema): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
