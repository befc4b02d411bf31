import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WriteOp } from '../../engine/connector/types.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { openTestConnection } from './test-support.js';

const projects = (n: number): WriteOp[] =>
  Array.from({ length: n }, (_, i) => ({
    op: 'create',
    key: `C${i}`,
    record: { Code: `C${i}`, Name: `Concurrent ${i}` },
  }));

// With `batch: false` each record is its own request; `concurrency` bounds how many are in flight.
describe('sap-b1 concurrency', () => {
  let emu: SapB1Emulator;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    emu.faults.add({ method: 'POST', path: 'Projects', kind: 'delay', delayMs: 15, times: Infinity });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('sends one request at a time by default', async () => {
    const conn = await openTestConnection(emu, { batch: false });
    const outcomes = await conn.target('projects', {}, { keyField: 'Code', mode: 'upsert' }).write(projects(6));
    await conn.close();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(emu.counters.maxInFlight).toBe(1);
  });

  it('runs up to `concurrency` requests at once, never more, and keeps outcomes in op order', async () => {
    emu.faults.clear();
    const held = emu.faults.add({ method: 'POST', path: 'Projects', kind: 'hold', times: 3 });
    const conn = await openTestConnection(emu, { concurrency: 3, batch: false });
    const ops = projects(12);
    const mark = emu.events.mark();
    const writing = conn.target('projects', {}, { keyField: 'Code', mode: 'upsert' }).write(ops);
    await emu.events.next('request', (e) => e.fault === 'hold', { since: mark, count: 3 }); // three at once
    held.release();
    const outcomes = await writing;
    await conn.close();
    expect(outcomes.map((o) => o.key)).toEqual(ops.map((o) => o.key));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(emu.counters.maxInFlight).toBe(3);
    expect(emu.state.Projects.size).toBe(42);
    expect(emu.counters.logins).toBe(1);
  });
});
