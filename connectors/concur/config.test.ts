import { describe, expect, it } from 'vitest';
import { conformanceAjv } from '../../test/conformance/definition-checks.js';
import { seedFingerprint } from './auth/credential-store.js';
import { configSchema, resolveConfig } from './config.js';
import { concurConnector, listCodeProblems } from './index.js';

const validate = conformanceAjv().compile(configSchema);

describe('concur connection config', () => {
  it('accepts its examples and both seeds; rejects a missing seed, a bad UUID and unknown properties', () => {
    for (const example of configSchema.examples as unknown[])
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(
      validate({
        clientId: 'c',
        clientSecret: 's',
        refreshToken: 'r',
        geolocation: 'https://eu2.api.concursolutions.com',
      }),
    ).toBe(true);
    expect(validate({ clientId: 'c', clientSecret: 's' })).toBe(false);
    expect(validate({ clientId: 'c', clientSecret: 's', companyUuid: 'nope', requestToken: 't' })).toBe(false);
    expect(validate({ clientId: 'c', clientSecret: 's', refreshToken: 'r', password: 'x' })).toBe(false);
  });

  it('marks every secret with x-secret and documents every property', () => {
    const props = configSchema.properties as Record<string, Record<string, unknown>>;
    const secrets = Object.entries(props)
      .filter(([, p]) => p['x-secret'] === true)
      .map(([k]) => k);
    expect(secrets.sort()).toEqual(['clientSecret', 'refreshToken', 'requestToken']);
    for (const [name, p] of Object.entries(props)) {
      expect(p.title, name).toBeTypeOf('string');
      expect(p.description, name).toBeTypeOf('string');
      expect(Array.isArray(p.examples), name).toBe(true);
    }
  });

  it('resolves defaults and strips paths from URLs', () => {
    const r = resolveConfig({
      clientId: 'c',
      clientSecret: 's',
      refreshToken: 'r',
      geolocation: 'https://eu2.api.concursolutions.com/oauth2/v0/token',
    });
    expect(r.authBase).toBe('https://us.api.concursolutions.com');
    expect(r.seedGeolocation).toBe('https://eu2.api.concursolutions.com');
    expect(r.retry).toEqual({ attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 });
    expect(r.provisioning).toEqual({ pollIntervalMs: 5000, timeoutMs: 7_200_000 });
    expect(r.systemId).toBe('sluice');
  });

  it('offers the resources and roles of the issue, and the list-code helper', () => {
    const roles = Object.fromEntries(Object.entries(concurConnector.resources).map(([n, r]) => [n, [...r.roles]]));
    expect(roles).toEqual({
      'expense-reports': ['source', 'lookup'],
      'payment-requests': ['source', 'lookup'],
      'fis-documents': ['source'],
      'list-items': ['source', 'lookup', 'target'],
      vendors: ['source', 'lookup', 'target'],
      users: ['source', 'lookup', 'target'],
      'cost-object-approvers': ['source', 'lookup', 'target'],
    });
    expect(concurConnector.resources['fis-documents']!.capabilities.confirm).toBe(true);
    expect(concurConnector.resources['list-items']!.capabilities.bulkSize).toBe(250);
    expect(concurConnector.resources.users!.capabilities.bulkSize).toBe(100);
    expect(listCodeProblems('RND-CC200')).toHaveLength(1);
  });
});

describe('seed fingerprint', () => {
  it('changes with the endpoints, so a connection pointed at another system starts a new token chain', () => {
    const base = {
      clientId: 'c',
      clientSecret: 's',
      companyUuid: '5d1c7a4e-2b8f-4c61-9f0e-3a7b2c9d8e10',
      requestToken: 'r',
    };
    const a = seedFingerprint(resolveConfig({ ...base, authUrl: 'https://us.api.concursolutions.com' }));
    expect(
      seedFingerprint(resolveConfig({ ...base, authUrl: 'https://us.api.concursolutions.com/oauth2/v0/token' })),
    ).toBe(a);
    expect(seedFingerprint(resolveConfig({ ...base, authUrl: 'https://emea.api.concursolutions.com' }))).not.toBe(a);
  });
});
