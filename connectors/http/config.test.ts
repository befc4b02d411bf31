import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../engine/config/pipeline.js';
import { createRegistry } from '../../engine/connector/registry.js';
import { ConfigError } from '../../engine/errors.js';
import { memoryConnector } from '../../test/helpers/memory-connector.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { httpConnector } from './index.js';
import { openAgainst } from './test-helpers.js';
import type { TestServer } from './test-support.js';

const registry = createRegistry([memoryConnector, httpConnector]);

function validate(connection: string, options: string): string[] {
  const dir = tempDir('http-config-');
  writeFileSync(
    join(dir, 'connections.yaml'),
    `connections:\n  src: { connector: memory, dataset: x }\n  ar:\n    connector: http\n${connection}`,
  );
  writeFileSync(
    join(dir, 'p.yaml'),
    `version: 1\nname: p\nsource: { connection: src, resource: records }\ntransform: '{ "externalId": id }'\n` +
      `target:\n  connection: ar\n  resource: records\n  mode: create\n  key: externalId\n  options:\n${options}`,
  );
  const { diagnostics } = loadPipeline(join(dir, 'p.yaml'), { registry, cwd: dir, env: { SECRET: 's' } });
  return diagnostics.map((d) => `${d.file.split('/').pop()}:${d.line}:${d.col} ${d.code} ${d.message}`);
}

describe('configuration checks', () => {
  it('a valid connection and resource pass', () => {
    expect(
      validate(
        '    baseUrl: https://api.example.com/v1\n    auth: { type: oauth2-client-credentials, tokenUrl: /oauth/token, clientId: c, clientSecret: "${env:SECRET}" }\n',
        '    path: customers\n    pagination: { style: cursor, cursor: meta.next }\n    lookup: { by: get, path: "customers/{$key}" }\n',
      ),
    ).toEqual([]);
  });

  it('each auth kind, pagination style and look-up names only what it misses, at its place', () => {
    expect(
      validate(
        '    baseUrl: https://api.example.com\n    auth: { type: oauth2-client-credentials, tokenUrl: /t, clientId: c }\n',
        '    path: customers\n    pagination: { style: cursor }\n    lookup: { by: get, path: "c/{$key}", extra: 1 }\n',
      ).sort(),
    ).toEqual([
      'connections.yaml:6:11 SCHEMA connections.ar.auth is missing required property "clientSecret"',
      'p.yaml:12:17 SCHEMA target.options.pagination is missing required property "cursor"',
      'p.yaml:13:42 SCHEMA unknown property "extra" in target.options.lookup',
    ]);
  });

  it('an unknown kind lists the kinds there are; a literal secret is refused', () => {
    const problems = validate(
      '    baseUrl: https://api.example.com\n    auth: { type: bearer-token, token: abc }\n',
      '    path: c\n',
    );
    expect(problems).toContain(
      'connections.yaml:6:19 SCHEMA connections.ar.auth.type must be one of "none", "oauth2-client-credentials", "api-key", "basic", "bearer"',
    );
    const literal = validate(
      '    baseUrl: https://api.example.com\n    auth: { type: bearer, token: abc }\n',
      '    path: c\n',
    );
    expect(literal.join('\n')).toMatch(/LITERAL_SECRET "token" holds a literal secret/);
  });

  it('a JSONata mistake in an option is a ConfigError naming the option, when the resource opens', async () => {
    const conn = await openAgainst({ baseUrl: 'http://127.0.0.1:9' } as TestServer);
    expect(() => conn.source!('records', { path: 'c', records: 'data[' })).toThrow(ConfigError);
    expect(() => conn.source!('records', { path: 'c', records: 'data[' })).toThrow(
      /option records: invalid JSONata "data\["/,
    );
  });
});
