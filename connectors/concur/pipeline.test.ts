/**
 * The connector driven by the engine: a pipeline run reads FIS documents, the engine applies them
 * to a target and then sends the posting confirmations through the generic confirm hook; a list
 * sync reports its API calls in the run report.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../engine/connector/registry.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { dataset, memoryConnector } from '../../test/helpers/memory-connector.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { startConcurEmulator, type ConcurEmulator } from './emulator/index.js';
import { concurConnector } from './index.js';
import { openAgainst, readAll } from './test-support.js';
import { PROJECTS } from './emulator/fixtures/demo-catalog.js';

const registry = createRegistry([concurConnector, memoryConnector]);
let emu: ConcurEmulator;
let state: StateStore;
let dir: string;

beforeAll(async () => {
  emu = await startConcurEmulator();
  dir = tempDir('concur-pipeline-');
  state = await openStateStore({ url: `sqlite:${join(dir, 'state.db')}`, secretKey: 'b'.repeat(64) });
  writeFileSync(
    join(dir, 'connections.yaml'),
    stringify({
      connections: {
        concur: {
          connector: 'concur',
          clientId: emu.credentials.clientId,
          clientSecret: '${env:CONCUR_CLIENT_SECRET}',
          companyUuid: emu.credentials.companyUuid,
          requestToken: '${env:CONCUR_REQUEST_TOKEN}',
          authUrl: emu.baseUrl,
          systemId: 'SAPB1',
          retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
        },
        erp: { connector: 'memory', dataset: `${dir}:erp` },
        projects: { connector: 'memory', dataset: `${dir}:projects` },
        master: { connector: 'memory', dataset: `${dir}:master` },
      },
    }),
  );
});
afterAll(async () => {
  await state.close();
  await emu.close();
});

function pipeline(name: string, doc: Record<string, unknown>): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify({ version: 1, name, ...doc }));
  return path;
}

const env = {
  CONCUR_CLIENT_SECRET: 'northwind-demo-client-secret',
  CONCUR_REQUEST_TOKEN: 'northwind-demo-request-token',
};

describe('concur connector in a pipeline run', () => {
  it('confirms each FIS posting to Concur after the target applied it', async () => {
    const path = pipeline('fis-to-erp', {
      source: {
        connection: 'concur',
        resource: 'fis-documents',
        options: { docType: 'expense', postingCompanyId: 'NWI01' },
      },
      transform:
        '{ "id": id, "report": document.report.reportId, "amount": document.report.totalApprovedAmount, "ReferenceDate": $substring(document.report.reportPaymentProcessingDate, 0, 10) }',
      target: { connection: 'erp', resource: 'records', mode: 'create', key: 'id' },
    });
    const erp = dataset(`${dir}:erp`);
    const result = await runSession({
      command: 'run',
      subject: { kind: 'pipeline-file', path },
      registry,
      logger: silentLogger(),
      state,
      env,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    });
    expect(result.report.error).toBeUndefined();
    expect(erp.target.size).toBe(28);
    expect(result.report.confirm).toEqual({ sent: 28, failed: 0 });
    for (const doc of emu.state.fisDocuments.values()) {
      expect(doc.docStatus).toBe('POSTING_CONFIRMED_SUCCESS');
      const [posted] = (doc.postingConfirmation as { postingDocs: Record<string, string>[] }).postingDocs;
      const written = erp.target.get(doc.id);
      expect(written?.id).toBe(posted!.documentNumber);
      // the date and year of the record as written, not of the day the run confirms it
      const date = String((doc.document.report as Record<string, unknown>).reportPaymentProcessingDate).slice(0, 10);
      expect(posted).toMatchObject({ postingDate: date, fiscalYear: date.slice(0, 4), companyId: 'NWI01' });
    }
    expect(result.report.apiCalls.concur?.calls).toMatchObject({
      'POST fis posting confirmations': 1,
      'POST fis acknowledgements': 2,
    });
  });

  it('syncs projects into a Concur list and reports the API calls in the run report', async () => {
    const src = dataset(`${dir}:projects`, 'code');
    src.source = PROJECTS.slice(0, 24).map((p, i) => ({
      code: p.code,
      name: i === 0 ? 'Calibration Rig Upgrade Phase 2' : p.name,
    }));
    const path = pipeline('projects-to-concur', {
      source: { connection: 'projects', resource: 'records' },
      transform: '{ "code": code, "value": name }',
      target: {
        connection: 'concur',
        resource: 'list-items',
        options: { list: 'Projects' },
        mode: 'upsert',
        key: 'code',
      },
    });
    emu.clearLog();
    const result = await runSession({
      command: 'run',
      subject: { kind: 'pipeline-file', path },
      registry,
      logger: silentLogger(),
      state,
      env,
    });
    expect(result.report.error).toBeUndefined();
    expect(result.report.apply).toMatchObject({ created: 4, updated: 1 });
    expect(emu.count({ method: 'POST', path: '/list/v4/lists/:listId/bulk' })).toBe(1);
    expect(emu.count({ method: 'PATCH', path: '/list/v4/lists/:listId/bulk' })).toBe(1);
    expect(result.report.apiCalls.concur?.apiCalls).toBe(emu.requests.length);
    expect(emu.state.itemByCode(emu.state.listByName('Projects')!.id, 'P1024')?.value).toBe('Probe Accessory Line');
  });
});

describe('a mirror list sync costs the reads plus ceil(k / 250) writes', () => {
  it('sends 37 renames and 5 deactivations in one PATCH bulk call', async () => {
    const size = 1_200;
    const src = dataset(`${dir}:master`, 'code');
    src.source = Array.from({ length: size }, (_, i) => ({
      code: `M${String(i).padStart(5, '0')}`,
      name: `Item ${i}`,
    }));
    const path = pipeline('master-to-concur-list', {
      source: { connection: 'master', resource: 'records' },
      transform: '{ "code": code, "value": name }',
      target: {
        connection: 'concur',
        resource: 'list-items',
        options: { list: 'Cost Centers' },
        mode: 'mirror',
        key: 'code',
        deletes: { action: 'deactivate', maxPercent: 10 },
      },
    });
    const run = () =>
      runSession({
        command: 'run',
        subject: { kind: 'pipeline-file', path },
        registry,
        logger: silentLogger(),
        state,
        env,
      });
    const bulk = (method: string): number => emu.count({ method, path: '/list/v4/lists/:listId/bulk' });

    emu.clearLog();
    const first = await run();
    expect(first.report.error).toBeUndefined();
    expect(first.report.apply).toMatchObject({ created: size });
    expect(bulk('POST')).toBe(Math.ceil(size / 250));

    src.source = src.source
      .slice(0, size - 5)
      .map((r, i) => (i % 32 === 0 && i < 37 * 32 ? { ...r, name: `${String(r.name)} renamed` } : r));
    emu.clearLog();
    const second = await run();
    expect(second.report.error).toBeUndefined();
    expect(second.report.apply).toMatchObject({ updated: 37, deleted: 5, created: 0 });
    expect(bulk('PATCH')).toBe(1);
    expect(bulk('POST')).toBe(0);
    const patch = emu.find({ method: 'PATCH', path: '/list/v4/lists/:listId/bulk' })[0]!;
    expect((patch.requestBody as { requests: unknown[] }).requests).toHaveLength(42);
    // Everything else is reading the list once: its pages and finding the list by name.
    const token = (r: { route: string | undefined }): boolean => r.route === 'POST /oauth2/v0/token';
    const writes = emu.requests.filter((r) => r.method !== 'GET' && !token(r));
    expect(writes.map((r) => r.route)).toEqual(['PATCH /list/v4/lists/:listId/bulk']);
    const reads = emu.requests.filter((r) => r.method === 'GET').length;
    const total = emu.requests.length;
    // The reads are those of reading the list once (found by name, then its hierarchy in pages).
    emu.clearLog();
    await readAll(await openAgainst(emu), 'list-items', { list: 'Cost Centers', includeDeleted: true });
    expect(reads).toBe(emu.requests.filter((r) => r.method === 'GET').length);
    expect(second.report.apiCalls.concur?.apiCalls).toBe(total);
  });
});
