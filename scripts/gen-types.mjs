// Generates TypeScript types from the envelope JSON Schemas (the schema is the one place a config
// fact is written). `--check` exits 1 when a generated file is stale; a test runs the same check.
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from 'json-schema-to-typescript';

const root = new URL('..', import.meta.url);
export const TARGETS = [
  { schema: 'schemas/pipeline.schema.json', out: 'engine/config/pipeline.generated.ts' },
  { schema: 'schemas/connections.schema.json', out: 'engine/config/connections.generated.ts' },
  { schema: 'schemas/library-test.schema.json', out: 'engine/testing/library-test.generated.ts' },
];

export async function generate(schemaPath) {
  const schema = JSON.parse(readFileSync(new URL(schemaPath, root), 'utf8'));
  return compile(schema, schema.title, {
    bannerComment: `/* Generated from ${schemaPath} by scripts/gen-types.mjs. Do not edit; run \`npm run gen\`. */`,
    additionalProperties: false,
    style: { singleQuote: true, printWidth: 120 },
    unreachableDefinitions: false,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const t of TARGETS) {
    const text = await generate(t.schema);
    const url = new URL(t.out, root);
    let current = '';
    try {
      current = readFileSync(url, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) {
      console.error(`${t.out} is stale: run npm run gen`);
      stale++;
    } else {
      writeFileSync(url, text);
      console.log(`wrote ${t.out}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
