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
