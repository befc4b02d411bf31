/**
 * The connector under the engine: records from an in-memory source created in the test server's
 * collection through the real planner and applier. A create whose answer is lost is settled by a
 * look-up by key, never sent twice; a batch with one refused item parks that item alone.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../engine/connector/registry.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { dataset, memoryConnector, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { httpConnector } from './index.js';
import { startTestServer, type TestServer } from './test-support.js';

const registry = createRegistry([memoryConnector, httpConnector]);
const WINDOW = 60_000;

describe('http target through the engine', () => {
  let server: TestServer;
  let state: StateStore;
  let dir: string;
  let src: MemoryDataset;
  let clock: ManualClock;
  let n = 0;

  beforeAll(async () => {
    state = await openStateStore({ url: `sqlite:${tempDir('http-engine-')}/state.db`, secretKey: 'h'.repeat(64) });
  });
  afterAll(() => state.close());
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 11, 1, 9), { autoAdvance: true });
    server = await startTestServer(clock, { type: 'bearer', token: 'tok-pipeline' });
    dir = tempDir('http-engine-');
    src = dataset(`${dir}:src`);
    src.source = [
      { id: 'P-1', name: 'Alpha', amount: 10 },
      { id: 'P-2', name: 'REJECT', amount: 20 },
      { id: 'P-3', name: 'Gamma', amount: 30 },
    ];
  });
  afterEach(() => server.close());

  function pipeline(resource: 'records' | 'batch', options: Record<string, unknown>): string {
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: {
          src: { connector: 'memory', dataset: `${dir}:src` },
          ar: {
            connector: 'http',
            baseUrl: server.baseUrl,
            auth: { type: 'bearer', token: '${env:AR_TOKEN}' },
            timeoutMs: 300,
            commitWindowMs: WINDOW,
            retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
          },
        },
      }),
    );
    const name = `ar${n++}`;
    const path = join(dir, `${name}.yaml`);
    writeFileSync(
      path,
      stringify({
        version: 1,
        name,
        source: { connection: 'src', resource: 'records' },
        transform: '{ "externalId": id, "name": name, "amount": amount }',
        target: { connection: 'ar', resource, mode: 'create', key: 'externalId', options },
      }),
    );
    return path;
  }

  const run = (pipelinePath: string) =>
    runSession({
      command: 'run',
      subject: { kind: 'pipeline-file', path: pipelinePath },
      registry,
      logger: silentLogger(),
      state,
      env: { AR_TOKEN: 'tok-pipeline' },
      clock,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    });
  const stored = (key: string) => [...server.items.values()].filter((i) => i.externalId === key);

  it('a create whose answer is lost after the commit is found by key at once: one record, nothing sent twice', async () => {
    src.source = [src.source[0]!];
    const p = pipeline('records', { path: 'items', lookup: { by: 'get', path: 'items/by-key/{$key}' } });
    server.fail('POST', '/items', { kind: 'hang-after-commit' });
    const first = await run(p);
    expect(first.report.apply).toMatchObject({ created: 1, recovered: 1, inDoubt: 0, failed: 0 });
    expect(server.requests('POST', '/items')).toHaveLength(1);
    expect(stored('P-1')).toHaveLength(1);
    const again = await run(p);
    expect(again.report.plan?.counts).toMatchObject({ create: 0, noop: 1 });
    expect(server.requests('POST', '/items')).toHaveLength(1);
  });

  it('a slow create that commits after the client gave up stays in doubt, is never re-sent, and is settled by key', async () => {
    src.source = [src.source[0]!];
    const p = pipeline('records', { path: 'items', lookup: { by: 'get', path: 'items/by-key/{$key}' } });
    server.fail('POST', '/items', { kind: 'hold' });
    const first = await run(p);
    expect(first.exitCode).toBe(3);
    expect(first.report.apply).toMatchObject({ created: 0, inDoubt: 1, failed: 0 });
    expect(server.requests('POST', '/items')).toHaveLength(1);
    expect(stored('P-1')).toHaveLength(0);

    // Inside the window, the API still working on it: a rerun looks it up, finds nothing, sends nothing.
    clock.advance(1_000);
    const early = await run(p);
    expect(early.report.plan?.counts).toMatchObject({ inDoubt: 1, create: 0 });
    expect(server.requests('POST', '/items')).toHaveLength(1);

    // The API finishes the request late; the next run finds it by key: written, not created again.
    const committed = server.events.next('committed');
    server.release();
    await committed;
    const settled = await run(p);
    expect(settled.exitCode).toBe(0);
    expect(settled.report.apply).toMatchObject({ created: 0, adopted: 1, inDoubt: 0 }); // found by key: written
    expect(settled.report.plan?.counts).toMatchObject({ create: 0, inDoubt: 0, noop: 1 });
    expect(server.requests('POST', '/items')).toHaveLength(1);
    expect(stored('P-1')).toHaveLength(1);
    const ledger = await state.ledgerGet(settled.report.pipeline, ['P-1']);
    expect(ledger.get('P-1')).toMatchObject({ status: 'written', targetId: stored('P-1')[0]!.id });
  });

  it('a batch with a refused item parks that record alone (data), the others are created in one request', async () => {
    const p = pipeline('batch', {
      path: 'items',
      lookup: { by: 'query', param: 'externalId', keysPerRequest: 50 },
      batch: { path: 'items/batch', body: "{ 'items': $ }", results: 'results' },
    });
    const r = await run(p);
    expect(r.report.apply).toMatchObject({ created: 2, failed: 1 });
    expect(server.requests('POST', '/items/batch')).toHaveLength(1);
    expect(stored('P-1')).toHaveLength(1);
    expect(stored('P-3')).toHaveLength(1);
    const att = await state.attentionList({ pipeline: r.report.pipeline });
    expect(att.map((a) => [a.sourceKey, a.code, a.reasonClass])).toEqual([['P-2', 'HTTP_ITEM_REJECTED', 'data']]);
    expect(att[0]?.message).toMatch(/name REJECT is not allowed/);
    expect(JSON.stringify(att)).not.toMatch(/tok-pipeline/);

    // The next run does not send the refused record again (nothing changed on our side: it waits for
    // its retry time, a change or a re-sync); the others are unchanged.
    const mark = server.events.mark();
    const again = await run(p);
    expect(again.report.plan?.counts).toMatchObject({ create: 0, noop: 2 });
    expect(server.events.all('request', (e) => e.path === '/items/batch', mark)).toHaveLength(0);
    const still = await state.attentionList({ pipeline: r.report.pipeline });
    expect(still.map((a) => [a.sourceKey, a.occurrences, a.status])).toEqual([['P-2', 1, 'open']]);
    expect(stored('P-1')).toHaveLength(1);
    expect(stored('P-3')).toHaveLength(1);
  });
});
