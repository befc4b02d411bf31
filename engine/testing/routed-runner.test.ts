import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryRegistry } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { runTestFile } from './runner.js';

const CONNECTIONS = `connections:
  src: { connector: memory, dataset: a }
  eu: { connector: memory, dataset: b }
  us: { connector: memory, dataset: c }
`;

const PIPELINE = `version: 1
name: routed
source: { connection: src, resource: records }
transform: '{ "id": id, "region": region, "amount": amount }'
target:
  connection: { route: region, map: { EU: eu, US: us } }
  resource: records
  key: id
`;

const TESTS = `cases:
  - name: each record is planned against its own connection's snapshot
    source:
      - { id: a, region: EU, amount: 1 }
      - { id: a, region: US, amount: 5 }
      - { id: b, region: APAC, amount: 2 }
    target:
      - { _connection: us, id: a, region: US, amount: 4 }
      - { _connection: eu, id: z, region: EU, amount: 9 }
    expect:
      operations:
        - { op: create, key: eu/a }
        - { op: update, key: us/a, changes: [amount] }
      attention:
        - { sourceKey: b, code: ROUTE_UNMAPPED }
  - name: a snapshot record without its connection
    source: [ { id: a, region: EU, amount: 1 } ]
    target: [ { id: a, region: EU, amount: 1 } ]
`;

describe('sluice test on a routed pipeline', () => {
  it('gives each connection its own snapshot (`_connection`) and plans with routed keys', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'connections.yaml'), CONNECTIONS);
    writeFileSync(join(dir, 'routed.yaml'), PIPELINE);
    writeFileSync(join(dir, 'routed.test.yaml'), TESTS);
    const { results, diagnostics } = await runTestFile(join(dir, 'routed.test.yaml'), memoryRegistry);
    expect(diagnostics).toEqual([]);
    expect(results[0]).toMatchObject({ ok: true, failures: [] });
    expect(results[1]!.ok).toBe(false);
    expect(results[1]!.failures[0]).toContain(
      'a target record of a routed pipeline needs _connection (one of: eu, us)',
    );
  });
});
