import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { conformanceAjv } from '../../test/conformance/definition-checks.js';
import { configSchema, resolveConfig, type SapB1Config } from './config.js';

const base: SapB1Config = {
  serviceUrl: 'https://b1.example.com:50000/',
  companyDb: 'SBODEMOUS',
  username: 'manager',
  password: 'secret',
};

describe('sap-b1 connection config', () => {
  const validate = conformanceAjv().compile(configSchema);

  it('accepts its examples and a minimal config; marks the password as secret', () => {
    for (const example of configSchema.examples as unknown[])
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(base)).toBe(true);
    expect((configSchema.properties as Record<string, Record<string, unknown>>).password?.['x-secret']).toBe(true);
  });

  it.each([
    [{ ...base, version: 'v3' }],
    [{ ...base, concurrency: 9 }],
    [{ ...base, concurrency: 0 }],
    [{ ...base, serviceUrl: 'b1.example.com:50000' }],
    [{ ...base, tls: { verify: false } }],
    [{ ...base, unknown: 1 }],
    [{ serviceUrl: 'https://x', companyDb: 'A', username: 'u' }],
  ])('rejects %j', (config) => {
    expect(validate(config)).toBe(false);
  });

  it('resolves defaults from the schema and the service root from the version', () => {
    const r = resolveConfig(base, '/tmp');
    expect(r).toMatchObject({
      serviceUrl: 'https://b1.example.com:50000',
      root: 'https://b1.example.com:50000/b1s/v2',
      version: 'v2',
      pageSize: 100,
      concurrency: 1,
      timeoutMs: 100_000,
      reuseSession: true,
      logoutOnClose: false,
      retry: { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 },
      tls: { rejectUnauthorized: true, ca: undefined },
    });
    expect(resolveConfig({ ...base, version: 'v1', retry: { attempts: 5 } }, '/tmp')).toMatchObject({
      root: 'https://b1.example.com:50000/b1s/v1',
      retry: { attempts: 5, baseDelayMs: 500 },
    });
  });

  it('reads tls.caFile relative to the connections file, and says which file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sap-b1-ca-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    expect(resolveConfig({ ...base, tls: { caFile: 'ca.pem' } }, dir).tls.ca).toMatch(/BEGIN CERTIFICATE/);
    expect(() => resolveConfig({ ...base, tls: { caFile: 'missing.pem' } }, dir)).toThrow(ConfigError);
  });
});
