/**
 * The validators `npm run build` precompiles (scripts/precompile-schemas.mjs) exist for every schema
 * the CLI validates with and answer exactly as Ajv compiling the schema at run time does.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { loadRegistry } from '../../connectors/index.js';
import { createAjv, precompiledName } from '../../engine/config/ajv.js';
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { JsonSchema } from '../../engine/connector/types.js';

const require = createRequire(import.meta.url);
const dir = new URL('../../dist/engine/config/precompiled/', import.meta.url);

async function allSchemas(): Promise<[string, JsonSchema, boolean][]> {
  const pipeline = loadJsonSchema(new URL('../../schemas/pipeline.schema.json', import.meta.url));
  const out: [string, JsonSchema, boolean][] = [
    ['pipeline envelope', pipeline, false],
    ['pipeline envelope (defaults)', pipeline, true],
    ['connections envelope', loadJsonSchema(new URL('../../schemas/connections.schema.json', import.meta.url)), false],
  ];
  const registry = await loadRegistry();
  for (const name of registry.names()) {
    const c = registry.get(name)!;
    out.push([`${name} config`, c.configSchema, false]);
    for (const [r, def] of Object.entries(c.resources))
      if (def.optionsSchema) out.push([`${name} ${r} options`, def.optionsSchema, false]);
  }
  return out;
}

/** Inputs that reach many keywords: empty, wrong types, unknown properties, the schema's own examples. */
function samples(schema: JsonSchema): unknown[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const examples = Object.fromEntries(
    Object.entries(props).flatMap(([k, p]) => (Array.isArray(p.examples) ? [[k, p.examples[0]]] : [])),
  );
  const wrong = Object.fromEntries(Object.keys(props).map((k) => [k, { nested: [1, 'x'] }]));
  return [{}, null, 'text', [], { unknownProperty: 1 }, examples, wrong, { ...examples, extra: true }];
}

describe('precompiled schema validators', () => {
  it('exist for every schema and answer as a run-time compile does', async () => {
    for (const [what, schema, useDefaults] of await allSchemas()) {
      const file = new URL(precompiledName(schema, useDefaults), dir);
      expect(existsSync(file), `${what}: no precompiled validator (run npm run build)`).toBe(true);
      const pre = require(file.pathname) as ValidateFunction;
      const fresh = createAjv({ useDefaults }).compile(schema);
      for (const input of samples(schema)) {
        const [a, b] = [structuredClone(input), structuredClone(input)];
        expect(pre(a), `${what}: ${JSON.stringify(input)}`).toBe(fresh(b));
        expect(pre.errors ?? null, `${what}: errors for ${JSON.stringify(input)}`).toEqual(fresh.errors ?? null);
        expect(a, `${what}: defaults applied`).toEqual(b);
      }
    }
  });
});
