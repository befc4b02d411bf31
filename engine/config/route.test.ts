import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryConnector } from '../../test/helpers/memory-connector.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { createRegistry } from '../connector/registry.js';
import type { Diagnostic } from './diagnostics.js';
import { loadPipeline } from './pipeline.js';
import { validatePaths } from './validate.js';

// A second connector with the same resources: a route may not mix connectors.
const registry = createRegistry([memoryConnector, { ...memoryConnector, name: 'memory2' }]);

const CONNECTIONS = `connections:
  src:
    connector: memory
    dataset: a
  eu:
    connector: memory
    dataset: b
  us:
    connector: memory
    dataset: c
  other:
    connector: memory2
    dataset: d
`;

const pipeline = (connection: string, resource = 'records'): string => `version: 1
name: routed
source:
  connection: src
  resource: records
transform: |
  { "id": id, "region": region }
target:
  connection:
${connection}
  resource: ${resource}
  key: id
`;

function check(text: string): Diagnostic[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'connections.yaml'), CONNECTIONS);
  writeFileSync(join(dir, 'p.yaml'), text);
  return validatePaths([join(dir, 'p.yaml')], { registry, cwd: dir, env: {} }).diagnostics;
}

const brief = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);

describe('target routes in sluice validate', () => {
  it('accepts a map route and a `to` route whose connections exist, and binds every connection', () => {
    expect(check(pipeline('    route: region\n    map: { EU: eu, US: us }'))).toEqual([]);
    const to = pipeline(`    route: "region = 'EU' ? 'eu' : 'us'"\n    to: [eu, us]`);
    expect(check(to)).toEqual([]);
    const dir = tempDir();
    writeFileSync(join(dir, 'connections.yaml'), CONNECTIONS);
    writeFileSync(join(dir, 'p.yaml'), to);
    const loaded = loadPipeline(join(dir, 'p.yaml'), { registry, env: {} }).pipeline!;
    expect([...loaded.route!.targets.keys()]).toEqual(['eu', 'us']);
    expect(loaded.route!.targets.get('us')!.connection.config).toEqual({ dataset: 'c' });
    expect(loaded.route!.spec).toMatchObject({ expression: "region = 'EU' ? 'eu' : 'us'", form: 'to' });
  });

  it('reports a connection the route can produce that connections.yaml lacks, at its line and column', () => {
    const ds = check(pipeline('    route: region\n    map: { EU: eu, US: sap-us }'));
    expect(brief(ds)).toEqual(['p.yaml:11:24 CONNECTION_UNKNOWN']);
    expect(ds[0]!.message).toContain('unknown connection "sap-us"');
    expect(brief(check(pipeline('    route: company\n    to:\n      - eu\n      - sap-us')))).toEqual([
      'p.yaml:13:9 CONNECTION_UNKNOWN',
    ]);
  });

  it('reports a route mixing connectors, a resource none of them offers, and a wrong form', () => {
    const mixed = check(pipeline('    route: region\n    map: { EU: eu, US: other }'));
    expect(brief(mixed)).toEqual(['p.yaml:11:24 ROUTE_CONNECTOR_MISMATCH']);
    expect(mixed[0]!.message).toContain('"other" is a memory2 connection, but "eu" is memory');
    expect(brief(check(pipeline('    route: region\n    map: { EU: eu }', 'nope')))).toEqual([
      'p.yaml:12:13 RESOURCE_UNKNOWN',
    ]);
    expect(brief(check(pipeline('    route: region\n    map: { EU: eu }\n    to: [us]')))).toEqual([
      'p.yaml:10:5 ROUTE_FORM',
    ]);
    expect(brief(check(pipeline('    route: region')))).toEqual(['p.yaml:10:5 ROUTE_FORM']);
  });

  it('checks the route expression: its syntax, and the connection names it returns against `to`', () => {
    const typo = check(pipeline(`    route: "region = 'EU' ? 'eu' : 'usa'"\n    to: [eu, us]`));
    expect(brief(typo)).toEqual(['p.yaml:10:36 ROUTE_VALUE_UNLISTED']);
    expect(typo[0]!.message).toContain('the route can yield "usa"');
    const syntax = check(pipeline(`    route: "region = "\n    to: [eu, us]`));
    expect(syntax.map((d) => d.code)).toEqual(['JSONATA_SYNTAX']);
    expect(syntax[0]!.message).toContain('in route expression');
  });

  it('reports a route that breaks the schema with one clear message each', () => {
    const at = (conn: string): string[] => check(pipeline(conn)).map((d) => `${d.code} ${d.message}`);
    const bad = at('    route: region\n    map: { EU: "not a name" }').filter((m) => m.startsWith('SCHEMA'));
    expect(bad).toEqual([expect.stringMatching(/^SCHEMA target\.connection\.map\.EU must match \^/)]);
    expect(at('    map: { EU: eu }')).toEqual(['SCHEMA target.connection is missing required property "route"']);
    expect(at('    route: region\n    to: []')).toEqual([
      'SCHEMA target.connection.to must NOT have fewer than 1 items',
    ]);
  });
});
