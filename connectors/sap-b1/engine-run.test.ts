/**
 * The connector under the engine: a pipeline from an in-memory source into SAP Business One
 * journal entries, run with the real planner and applier against the emulator.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../engine/connector/registry.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { dataset, memoryConnector, type MemoryDataset } from '../../test/helpers/memory-connector.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { sapB1Connector } from './index.js';

const registry = createRegistry([memoryConnector, sapB1Connector]);
const TRANSFORM = `{
  "Reference": id,
  "Memo": memo,
  "ReferenceDate": "2024-05-31",
  "JournalEntryLines": [
    { "AccountCode": account, "Debit": amount, "Credit": 0, "CostingCode": "CC200" },
    { "ShortName": employee, "Debit": 0, "Credit": credit }
  ]
}`;

describe('sap-b1 journal entries through the engine', () => {
  let emu: SapB1Emulator;
  let state: StateStore;
  let dir: string;
  let src: MemoryDataset;
  let n = 0;

  beforeAll(async () => {
    state = await openStateStore({ url: `sqlite:${tempDir('sap-b1-engine-')}/state.db`, secretKey: 'e'.repeat(64) });
  });
  afterAll(async () => {
    await state.close();
  });
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    dir = tempDir('sap-b1-engine-');
    src = dataset(`${dir}:src`);
  });
  afterEach(async () => {
    await emu.close();
  });

  function pipeline(): string {
    writeFileSync(
      join(dir, 'connections.yaml'),
      stringify({
        connections: {
          src: { connector: 'memory', dataset: `${dir}:src` },
          b1: {
            connector: 'sap-b1',
            serviceUrl: emu.url,
            companyDb: emu.companyDb,
            username: 'manager',
            password: '${env:B1_PASSWORD}',
            retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
          },
        },
      }),
    );
    const name = `je${n++}`;
    const path = join(dir, `${name}.yaml`);
    writeFileSync(
      path,
      stringify({
        version: 1,
        name,
        source: { connection: 'src', resource: 'records' },
        transform: TRANSFORM,
        target: { connection: 'b1', resource: 'journal-entries', mode: 'create', key: 'Reference' },
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
      env: { B1_PASSWORD: 'manager' },
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
    });
  const row = (id: string, over: Record<string, unknown> = {}) => ({
    id,
    memo: `Concur report ${id}`,
    account: '6110',
    amount: 80,
    credit: 80,
    employee: 'E1002',
    ...over,
  });
  const posted = (ref: string) => [...emu.state.JournalEntries.values()].filter((e) => e.Reference === ref);

  it('posts balanced entries, sends unbalanced and over-long ones to attention, leaves posted ones alone', async () => {
    src.source = [
      row('R-1'),
      row('R-2', { credit: 79.99 }),
      row('R-3', { memo: 'm'.repeat(60) }),
      row('OPENING-2024', { memo: 'Opening balances' }),
    ];
    const p = pipeline();
    const first = await run(p);
    expect(first.report.plan?.counts).toMatchObject({ read: 4, create: 1, locked: 1, attention: 3 });
    expect(first.report.apply).toMatchObject({ created: 1, failed: 0 });
    const messages = first.report.attention.sample.map((a) => `${a.sourceKey} ${a.code}: ${a.message}`).join('\n');
    expect(messages).toMatch(/R-2 CHECK_FAILED: lines do not balance: debit 80\.00, credit 79\.99/);
    expect(messages).toMatch(/R-3 CHECK_FAILED: Memo is 60 characters long/);
    expect(messages).toMatch(/OPENING-2024 TARGET_LOCKED: .*journal entry 1 \(number 1\) is posted/);
    expect(posted('R-1')).toHaveLength(1);
    expect(posted('R-2')).toHaveLength(0);
    expect(posted('R-3')).toHaveLength(0);
    expect(emu.state.JournalEntries.get('1')?.Memo).toBe('Opening balances');
    expect(emu.counters.logins).toBe(1);

    const second = await run(p);
    expect(second.report.plan?.counts).toMatchObject({ create: 0, noop: 1, locked: 1 });
    expect(posted('R-1')).toHaveLength(1);
    expect(emu.counters.logins).toBe(1); // the session of the first run was reused
  });

  it('exactly one journal entry after a dropped response and a rerun', async () => {
    src.source = [row('L-1')];
    const p = pipeline();
    // The lookups of the plan and before the create pass; the create commits but its answer is
    // lost; the connector's own check afterwards fails too, so the engine retries after a lookup.
    emu.faults.add({ method: 'GET', path: 'JournalEntries', kind: 'delay', delayMs: 0, times: 2 });
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'drop-after-commit' });
    emu.faults.add({ method: 'GET', path: 'JournalEntries', kind: '500', times: 3 });
    const first = await run(p);
    expect(first.report.apply).toMatchObject({ failed: 0, recovered: 1 });
    expect(posted('L-1')).toHaveLength(1);
    const rerun = await run(p);
    expect(rerun.report.plan?.counts).toMatchObject({ create: 0, noop: 1 });
    expect(posted('L-1')).toHaveLength(1);
    expect(emu.counters.requests['POST JournalEntries']).toBe(1);
  });
});
