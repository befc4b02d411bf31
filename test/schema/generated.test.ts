/** Generated artifacts are checked in; these tests fail when one is stale. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../connectors/index.js';
import { BUNDLES, buildConnectionsBundle, buildPipelineBundle, bundleText } from '../../engine/config/bundle.js';
import { compileSchema } from '../../engine/config/ajv.js';
import { CONNECTOR_DOCS, buildConnectorDocs } from '../../engine/config/connector-docs.js';

const registry = await loadRegistry();
const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('generated schemas and types', () => {
  it('the pipeline and connections bundles match the connector registry (run npm run gen)', () => {
    expect(read(BUNDLES.pipeline)).toBe(bundleText(buildPipelineBundle(registry)));
    expect(read(BUNDLES.connections)).toBe(bundleText(buildConnectionsBundle(registry)));
    expect(read(CONNECTOR_DOCS)).toBe(buildConnectorDocs(registry));
  });

  it('the TypeScript types match the envelope and connector schemas (run npm run gen)', async () => {
    type Target = { schemas: { schema: string }[]; out: string };
    const { TARGETS, generate } = (await import(new URL('../../scripts/gen-types.mjs', import.meta.url).href)) as {
      TARGETS: Target[];
      generate(target: Target): Promise<string>;
    };
    for (const name of ['file', 'sql', 'concur', 'sap-b1'])
      expect(TARGETS.map((t) => t.out)).toContain(`connectors/${name}/config.generated.ts`);
    for (const t of TARGETS) expect(read(t.out), t.out).toBe(await generate(t));
  });

  it('the bundles compile and check connector options by resource', () => {
    const validate = compileSchema(buildPipelineBundle(registry));
    const base = {
      version: 1,
      name: 'x',
      transform: '{}',
      source: { connection: 'c', resource: 'records', options: { path: 'a.csv' } },
      target: { connection: 'c', resource: 'records', key: 'id' },
    };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, source: { ...base.source, options: { path: 'a.csv', colour: 'red' } } })).toBe(false);
  });

  it('every shipped pipeline points editors at the bundle', () => {
    const files = readdirSync(new URL('../../pipelines/', import.meta.url)).filter(
      (f) => /\.ya?ml$/.test(f) && !f.includes('.test.') && f !== 'connections.yaml',
    );
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(read(`pipelines/${f}`).split('\n')[0], f).toBe(
        '# yaml-language-server: $schema=../schemas/pipeline.bundle.schema.json',
      );
  });
});
