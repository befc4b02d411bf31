import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { ManualClock } from '../runtime/clock.js';
import { RUN_STATUSES } from './runs.js';
import { openStateStore, type StateStore } from './store.js';

const GONE_PID = 2 ** 22 + 7;

describe.each(stateBackends)('run states on $name', (backend) => {
  let fresh: FreshStore;
  let store: StateStore;
  const clock = new ManualClock(Date.UTC(2026, 4, 2, 3, 0, 0));
  beforeAll(async () => {
    fresh = await backend.fresh();
    store = await openStateStore({ url: fresh.url, secretKey: 'a'.repeat(64), clock });
  });
  afterAll(async () => {
    await store.close();
    await fresh.cleanup();
  });

  async function seed(id: string, command: string, host: string, pid: number, status = 'running'): Promise<void> {
    await store.knex('sluice_runs').insert({
      id,
      pipeline: 'p',
      command,
      status,
      started_at: `2026-05-02T02:00:00.000Z`,
      host,
      pid,
    });
  }

  it('knows interrupted and abandoned', () => {
    expect(RUN_STATUSES).toEqual(['running', 'succeeded', 'attention', 'failed', 'interrupted', 'abandoned']);
  });

  it('marks abandoned the running runs that cannot be running any more, and returns them', async () => {
    const me = hostname();
    await seed('writer-elsewhere', 'run', 'other-host', 1234); // a writer, but not the lease holder
    await seed('apply-elsewhere', 'apply', 'other-host', 1235);
    await seed('plan-dead-here', 'plan', me, GONE_PID); // its process is gone
    await seed('writer-dead-here', 'run', me, GONE_PID);
    await seed('plan-alive-here', 'plan', me, process.pid); // alive: stays running
    await seed('plan-elsewhere', 'plan', 'other-host', 1236); // cannot tell: stays running
    await seed('finished', 'run', 'other-host', 1237, 'succeeded');
    await seed('current', 'run', me, process.pid); // the caller, holding the lease
    await store.acquireLease('p', 'current', 60_000);
    clock.advance(1000);

    const marked = await store.runMarkAbandoned('p', 'current');
    const at = '2026-05-02T03:00:01.000Z';
    expect(marked.map((r) => [r.id, (r.report as { abandoned: { reason: string } }).abandoned.reason]).sort()).toEqual([
      ['apply-elsewhere', 'not-lease-holder'],
      ['plan-dead-here', 'process-gone'],
      ['writer-dead-here', 'process-gone'],
      ['writer-elsewhere', 'not-lease-holder'],
    ]);
    expect(marked.every((r) => r.status === 'abandoned' && r.finishedAt === at)).toBe(true);
    const byId = new Map((await store.runList('p', 100)).map((r) => [r.id, r]));
    expect(Object.fromEntries([...byId].map(([id, r]) => [id, r.status]))).toEqual({
      'writer-elsewhere': 'abandoned',
      'apply-elsewhere': 'abandoned',
      'plan-dead-here': 'abandoned',
      'writer-dead-here': 'abandoned',
      'plan-alive-here': 'running',
      'plan-elsewhere': 'running',
      finished: 'succeeded',
      current: 'running',
    });
    expect(byId.get('plan-dead-here')).toMatchObject({
      finishedAt: at,
      exitCode: null,
      host: me,
      pid: GONE_PID,
      report: { abandoned: { reason: 'process-gone', by: 'current', at } },
    });
    // nothing left to mark
    expect(await store.runMarkAbandoned('p', 'current')).toEqual([]);
  });

  it('a run marked abandoned that finishes after all keeps its own outcome', async () => {
    await store.runStart({ id: 'late', pipeline: 'q', command: 'run', startedAt: '2026-05-02T02:59:00.000Z' });
    await store.knex('sluice_runs').where({ id: 'late' }).update({ host: 'other-host' });
    expect((await store.runMarkAbandoned('q', 'holder')).map((r) => r.id)).toEqual(['late']);
    await store.runFinish('late', {
      status: 'interrupted',
      exitCode: 1,
      report: { error: { code: 'INTERRUPTED', message: 'stopped by SIGTERM' } },
    });
    expect((await store.runList('q'))[0]).toMatchObject({ id: 'late', status: 'interrupted', exitCode: 1 });
  });

  it('records the pipeline hash, git commit and duration with the report, and knows the last success', async () => {
    const start = async (id: string, command: string): Promise<void> =>
      store.runStart({ id, pipeline: 'q', command, startedAt: new Date(clock.now()).toISOString() });
    expect(await store.runLastSuccess('q')).toBeUndefined();
    await start('q1', 'run');
    clock.advance(5000);
    await store.runFinish('q1', {
      status: 'attention',
      exitCode: 3,
      planHash: 'p'.repeat(64),
      pipelineHash: 'h'.repeat(64),
      gitCommit: 'c'.repeat(40),
      durationMs: 5000,
      report: { ok: true },
    });
    const synced = new Date(clock.now()).toISOString();
    await start('q2', 'run');
    clock.advance(1000);
    await store.runFinish('q2', { status: 'failed', exitCode: 1, report: {} });
    await start('q3', 'plan'); // a plan writes nothing: not a success of the pipeline
    clock.advance(1000);
    await store.runFinish('q3', { status: 'succeeded', exitCode: 0, report: {} });
    const [, , first] = await store.runList('q');
    expect(first).toMatchObject({
      id: 'q1',
      pipelineHash: 'h'.repeat(64),
      gitCommit: 'c'.repeat(40),
      durationMs: 5000,
      planHash: 'p'.repeat(64),
      report: { ok: true },
    });
    expect(await store.runLastSuccess('q')).toBe(synced);
  });
});
