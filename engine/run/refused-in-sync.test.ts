/**
 * A record the target refused whose source goes back to what the target already holds is in sync:
 * its attention entry is resolved (and the integration log says so), whether the run skips it as
 * unchanged against the ledger or finds it equal to the target record. A record held because it is
 * refused and unchanged is not. On SQLite and MariaDB.
 */
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { listAttention } from '../ops/attention.js';
import { queryLog } from '../ops/log.js';
import { requestResync } from '../ops/resync.js';
import { ManualClock } from '../runtime/clock.js';
import { PARKED_RETRY } from '../state/attention.js';

const ROWS = { resource: 'rows' };
const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('refused_in_sync') },
];

describe.each(backends)('a refused record back in sync, on $name', (backend) => {
  const h = memoryHarness(backend.open);
  const clock = (): ManualClock => new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
  const sentB = (): number => h.dst.writes.flat().filter((op) => op.key === 'b').length;
  const entryB = async (name: string) =>
    (await listAttention(h.state, { pipeline: name, all: true })).find((e) => e.sourceKey === 'b');
  const lastLogB = async (name: string) => (await queryLog(h.state, { pipeline: name, key: 'b' })).entries[0];

  /** b written with amount 2, then its update to 20 refused by the target: returns the runner. */
  const refusedUpdate = async (name: string, spec: Parameters<typeof writePipeline>[1]) => {
    const p = writePipeline(h.dir, { name, ...spec });
    const c = clock();
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });
    expect((await run()).exitCode).toBe(0);
    h.src.source[1] = { id: 'b', name: 'Beta', amount: 20 };
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    expect((await run()).exitCode).toBe(3);
    expect(await entryB(name)).toMatchObject({ status: 'open', stage: 'apply', code: 'REJECTED' });
    return run;
  };

  it('is resolved when its source returns to the values last written (skipped as unchanged)', async () => {
    const name = h.name('same');
    const run = await refusedUpdate(name, { source: ROWS });
    const sent = sentB();
    expect((await run()).exitCode).toBe(0); // held: refused and unchanged
    expect((await entryB(name))?.status).toBe('open');

    h.src.source[1] = { id: 'b', name: 'Beta', amount: 2 }; // back to what the target holds
    const back = await run();
    expect(back.exitCode).toBe(0);
    expect(back.report.plan?.counts.unchanged).toBeGreaterThanOrEqual(1);
    expect(sentB()).toBe(sent); // nothing to send
    expect(h.dst.target.get('b')?.record.amount).toBe(2);
    expect((await entryB(name))?.status).toBe('resolved');
    expect(await lastLogB(name)).toMatchObject({ outcome: 'resolved', op: 'noop' });
    expect((await lastLogB(name))?.message).toContain('in sync');
  });

  it('is resolved when its record equals the target record (without unchanged-source skipping)', async () => {
    const name = h.name('noop');
    const run = await refusedUpdate(name, { source: ROWS, extra: { skip_unchanged: false } });
    h.src.source[1] = { id: 'b', name: 'Beta', amount: 2 };
    const sent = sentB();
    const back = await run();
    expect(back.exitCode).toBe(0);
    expect(back.report.plan?.counts.unchanged ?? 0).toBe(0);
    expect(sentB()).toBe(sent);
    expect((await entryB(name))?.status).toBe('resolved');
    expect(await lastLogB(name)).toMatchObject({ outcome: 'resolved', op: 'noop' });
  });

  it('stays open while it is held, and a resolved entry opens anew when the target refuses again', async () => {
    const name = h.name('held');
    const run = await refusedUpdate(name, { source: ROWS });
    await run();
    expect(await entryB(name)).toMatchObject({ status: 'open', occurrences: 1 });
    expect(await lastLogB(name)).toMatchObject({ outcome: 'failed' }); // the hold logs nothing
    h.src.source[1] = { id: 'b', name: 'Beta', amount: 2 };
    await run();
    expect((await entryB(name))?.status).toBe('resolved');
    h.src.source[1] = { id: 'b', name: 'Beta', amount: 20 }; // the refused change once more: sent, refused
    const sent = sentB();
    expect((await run()).exitCode).toBe(3);
    expect(sentB()).toBe(sent + 1);
    expect(await entryB(name)).toMatchObject({ status: 'open', occurrences: 1 });
  });

  it('is held, not resolved as unchanged, when the target refused the very record the ledger last wrote', async () => {
    const name = h.name('drift');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const c = clock();
    const run = () => session(h.state, { command: 'run', pipelinePath: p, clock: c });
    await run();
    h.dst.target.get('b')!.record.amount = 5; // edited by hand in the target
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 1000 });
    await requestResync(h.state, { pipeline: name, keys: ['b'] });
    expect((await run()).exitCode).toBe(3); // the update back to the source's 2 is refused
    const sent = sentB();

    const held = await run(); // the source record is the one the ledger wrote, but the target differs
    expect(held.exitCode).toBe(0);
    expect(sentB()).toBe(sent);
    expect(held.report.plan?.warnings.join('\n')).toContain('1 record(s) the target refused are not sent again');
    expect(await entryB(name)).toMatchObject({ status: 'open', occurrences: 1 });

    c.advance(PARKED_RETRY.baseMs); // due: sent again rather than skipped as unchanged
    expect((await run()).exitCode).toBe(3);
    expect(sentB()).toBe(sent + 1);
    h.dst.faults = [];
    c.advance(2 * PARKED_RETRY.baseMs);
    expect((await run()).exitCode).toBe(0);
    expect(h.dst.target.get('b')?.record.amount).toBe(2);
    expect((await entryB(name))?.status).toBe('resolved');
    expect(await lastLogB(name)).toMatchObject({ outcome: 'written', op: 'update' });
  });
});
