import { ManualClock } from '../../engine/runtime/clock.js';
import { runConformanceSuite } from '../../test/conformance/suite.js';
import { httpConnector, type HttpConfig } from './index.js';
import { startTestServer, type TestServer } from './test-support.js';

const SEED = ['a', 'b', 'c', 'd', 'e'].map((k, i) => ({
  externalId: k,
  name: `Name ${k}`,
  updatedAt: `2026-01-0${i + 1}T00:00:00Z`,
}));

let server: TestServer;

function config(server: TestServer, apiKey = 'k-123'): HttpConfig {
  return {
    baseUrl: server.baseUrl,
    auth: { type: 'api-key', header: 'X-API-Key', value: apiKey },
    timeoutMs: 5000,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 },
  };
}

runConformanceSuite<HttpConfig>({
  name: 'http',
  definition: httpConnector,
  async setup() {
    server = await startTestServer(new ManualClock(), { type: 'api-key', header: 'X-API-Key', value: 'k-123' });
    server.seed(SEED);
    const writes = {
      path: 'items',
      lookup: { by: 'get', path: 'items/by-key/{$key}' },
      delete: { path: 'items/{$id}' },
    };
    return {
      config: config(server),
      invalidConfigs: [{}, { baseUrl: 'ftp://example.com' }, { baseUrl: server.baseUrl, auth: { type: 'bearer' } }],
      source: [
        {
          resource: 'records',
          options: { path: 'offset/items', pagination: { style: 'offset' }, incremental: { param: 'updatedSince' } },
          keyField: 'externalId',
          expectedKeys: SEED.map((r) => r.externalId),
          incremental: { cursorField: 'updatedAt', since: '2026-01-04T00:00:00Z', expectedKeys: ['d', 'e'] },
        },
        {
          resource: 'records',
          options: {
            path: 'cursor/items',
            records: 'data',
            pagination: { style: 'cursor', cursor: 'meta.nextCursor', limitParam: 'limit' },
          },
          keyField: 'externalId',
          expectedKeys: SEED.map((r) => r.externalId),
          incremental: { cursorField: 'updatedAt', since: '2026-01-04T00:00:00Z', expectedKeys: ['d', 'e'] },
        },
      ],
      target: [
        {
          resource: 'records',
          options: writes,
          keyField: 'externalId',
          newRecord: (i) => ({ externalId: `n${i}`, name: `New ${i}`, amount: i }),
          changeRecord: (r) => ({ ...r, name: `${String(r.name)}, changed` }),
          rejectedRecord: () => ({ externalId: 'bad', name: 'REJECT' }),
        },
        {
          resource: 'batch',
          options: {
            ...writes,
            lookup: { by: 'query', param: 'externalId', keysPerRequest: 100 },
            batch: { path: 'items/batch', body: "{ 'items': $ }", results: 'results', maxItems: 250 },
          },
          keyField: 'externalId',
          newRecord: (i) => ({ externalId: `b${i}`, name: `Batch ${i}` }),
          changeRecord: (r) => ({ ...r, name: `${String(r.name)}, changed` }),
          rejectedRecord: () => ({ externalId: 'bad-batch', name: 'REJECT' }),
        },
      ],
      teardown: () => server.close(),
    };
  },
  authFailure: (fx) => Promise.resolve({ config: { ...fx.config, auth: { type: 'api-key', value: 'wrong' } } }),
  injectRetryableFailure: () => {
    server.fail('GET', '/offset/items', { kind: 'status', status: 503 });
    return Promise.resolve();
  },
  injectFinalFailure: () => {
    server.fail('GET', '/offset/items', { kind: 'status', status: 400, body: { message: 'bad filter' } });
    return Promise.resolve();
  },
});
