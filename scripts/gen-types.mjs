// Generates TypeScript types from the JSON Schemas (the schema is the one place a config fact is
// written): the envelope schemas, and every connector's config.schema.json and resource options
// schemas (connectors/<name>/*.schema.json → connectors/<name>/config.generated.ts). `--check`
// exits 1 when a generated file is stale; a test runs the same check.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { compile } from 'json-schema-to-typescript';

const root = new URL('..', import.meta.url);
const ENVELOPE = [
  { schema: 'schemas/pipeline.schema.json', out: 'engine/config/pipeline.generated.ts' },
  { schema: 'schemas/connections.schema.json', out: 'engine/config/connections.generated.ts' },
  { schema: 'schemas/library-test.schema.json', out: 'engine/testing/library-test.generated.ts' },
];

const pascal = (name) => name.replace(/(^|[-_.])([a-z0-9])/g, (_, __, c) => c.toUpperCase());

/**
 * One target per connector folder: config.schema.json → `<Connector>Config`, each other
 * `<resource>.schema.json` (a resource's options) → `<Connector><Resource>Options`.
 */
export function connectorTargets() {
  const dir = new URL('connectors/', root);
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const schemas = readdirSync(new URL(`${entry.name}/`, dir))
      .filter((f) => f.endsWith('.schema.json'))
      .sort((a, b) => (a === 'config.schema.json' ? -1 : b === 'config.schema.json' ? 1 : a.localeCompare(b)));
    if (schemas.length === 0) continue;
    const prefix = pascal(entry.name);
    out.push({
      schemas: schemas.map((f) => ({
        schema: `connectors/${entry.name}/${f}`,
        name:
          f === 'config.schema.json' ? `${prefix}Config` : `${prefix}${pascal(f.replace('.schema.json', ''))}Options`,
      })),
      out: `connectors/${entry.name}/config.generated.ts`,
      inline: true,
    });
  }
  return out;
}

export const TARGETS = [
  ...ENVELOPE.map((t) => ({ schemas: [{ schema: t.schema }], out: t.out })),
  ...connectorTargets(),
];

const OPTIONS = {
  additionalProperties: false,
  style: { singleQuote: true, printWidth: 120 },
  unreachableDefinitions: false,
};

/** The schema without `title` below its root, so nested settings become inline types, not named aliases. */
function untitled(node, isRoot = true) {
  if (Array.isArray(node)) return node.map((n) => untitled(n, false));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'title' && !isRoot && typeof v === 'string') continue;
    // anyOf/oneOf branches that only require properties say nothing about types: TypeScript cannot say it either
    const onlyRequired = (b) => Object.keys(b).every((key) => ['title', 'description', 'required'].includes(key));
    if ((k === 'anyOf' || k === 'oneOf') && Array.isArray(v) && v.every(onlyRequired)) continue;
    // property names are data, not keywords: a property called "title" stays
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, untitled(s, false)]))
        : untitled(v, false);
  }
  return out;
}

/** The text of one generated file: the types of each of its schemas, in order. */
export async function generate(target) {
  const paths = target.schemas.map((s) => s.schema);
  const parts = [
    `/* Generated from ${paths.join(', ')} by scripts/gen-types.mjs. Do not edit; run \`npm run gen\`. */\n`,
  ];
  for (const { schema: path, name } of target.schemas) {
    const schema = JSON.parse(readFileSync(new URL(path, root), 'utf8'));
    // The type is named by the target (a connector's `title` is prose, e.g. "sql table options").
    const named = name ? { ...(target.inline ? untitled(schema) : schema), title: name } : schema;
    parts.push(await compile(named, name ?? schema.title, { ...OPTIONS, bannerComment: '' }));
  }
  return parts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const t of TARGETS) {
    const text = await generate(t);
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
