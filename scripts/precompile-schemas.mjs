// Build step: compiles every JSON Schema the CLI validates with (the pipeline and connections
// envelopes, each connector's config and each resource's options) into standalone validator code
// in dist/engine/config/precompiled/, so a command does not spend its start-up compiling schemas.
// engine/config/ajv.ts finds a validator by the hash of its schema and compiles any it lacks.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const { createAjv, precompiledName } = await import(new URL('dist/engine/config/ajv.js', root).href);
const { loadJsonSchema } = await import(new URL('dist/engine/connector/load-schema.js', root).href);
const { loadRegistry } = await import(new URL('dist/connectors/index.js', root).href);

const pipelineEnvelope = loadJsonSchema(new URL('schemas/pipeline.schema.json', root));
const schemas = [
  [pipelineEnvelope, false],
  [pipelineEnvelope, true],
  [loadJsonSchema(new URL('schemas/connections.schema.json', root)), false],
];
const registry = await loadRegistry();
for (const name of registry.names()) {
  const c = registry.get(name);
  schemas.push([c.configSchema, false]);
  for (const r of Object.values(c.resources)) if (r.optionsSchema) schemas.push([r.optionsSchema, false]);
}

const out = new URL('dist/engine/config/precompiled/', root);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const written = new Set();
for (const [schema, useDefaults] of schemas) {
  const name = precompiledName(schema, useDefaults);
  if (written.has(name)) continue;
  const ajv = createAjv({ useDefaults, standalone: true });
  writeFileSync(new URL(name, out), standaloneCode(ajv, ajv.compile(schema)));
  written.add(name);
}
console.log(`precompiled ${written.size} schema validators`);
