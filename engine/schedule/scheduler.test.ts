import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../runtime/clock.js';
import { silentLogger } from '../runtime/logger.js';
import { Scheduler, type ScheduledPipeline } from './scheduler.js';

const HOURLY: ScheduledPipeline = { path: '/p/a.yaml', name: 'a', cron: '0 * * * *', timezone: 'UTC', hash: 'h1' };

/** A scheduler whose runs wait until the test finishes them. */
function harness(claimed: (name: string, tick: string) => boolean = () => true) {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 11, 30, 0));
  const runs: { name: string; tick: string; finish(): void; signal: AbortSignal }[] = [];
  const scheduler = new Scheduler({
    clock,
    logger: silentLogger(),
    claim: (name, tick) => Promise.resolve(claimed(name, tick)),
    run: (p, tick, signal) =>
      new Promise<void>((resolve) => {
        runs.push({ name: p.name, tick, finish: resolve, signal });
      }),
  });
  return { clock, runs, scheduler, sleeping: (n: number) => vi.waitFor(() => expect(clock.sleepers).toBe(n)) };
}

describe('the scheduler', () => {
  it('runs each tick of the cron, never two runs of a pipeline at once, skipping ticks a run outlasts', async () => {
    const { clock, runs, scheduler, sleeping } = harness();
    scheduler.update([HOURLY]);
    await sleeping(1);
    expect(scheduler.status()[0]).toMatchObject({ name: 'a', next: '2026-01-15T12:00:00.000Z', running: false });
    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    expect(runs[0]!.tick).toBe('2026-01-15T12:00:00.000Z');
    expect(scheduler.status()[0]!.running).toBe(true);
    clock.set(Date.UTC(2026, 0, 15, 14, 10, 0)); // the run goes on past two more ticks
    expect(clock.sleepers).toBe(0);
    runs[0]!.finish();
    await sleeping(1);
    expect(runs).toHaveLength(1);
    expect(scheduler.status()[0]!.next).toBe('2026-01-15T15:00:00.000Z');
    await scheduler.stop();
  });

  it('runs the times of the cron in the pipeline time zone', async () => {
    const { scheduler, sleeping } = harness();
    scheduler.update([{ ...HOURLY, cron: '0 2 * * *', timezone: 'America/Chicago' }]);
    await sleeping(1);
    expect(scheduler.status()[0]!.next).toBe('2026-01-16T08:00:00.000Z'); // 02:00 CST
    await scheduler.stop();
  });

  it('skips a tick another scheduler claimed', async () => {
    const { clock, runs, scheduler, sleeping } = harness((_n, tick) => tick !== '2026-01-15T12:00:00.000Z');
    scheduler.update([HOURLY]);
    await sleeping(1);
    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    await sleeping(1);
    expect(runs).toHaveLength(0);
    clock.set(Date.UTC(2026, 0, 15, 13, 0, 0));
    await vi.waitFor(() => expect(runs.map((r) => r.tick)).toEqual(['2026-01-15T13:00:00.000Z']));
    runs[0]!.finish();
    await scheduler.stop();
  });

  it('picks up a changed schedule after the current run, and drops a removed pipeline', async () => {
    const { clock, runs, scheduler, sleeping } = harness();
    scheduler.update([HOURLY]);
    await sleeping(1);
    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    scheduler.update([{ ...HOURLY, cron: '30 * * * *', hash: 'h2' }]);
    clock.set(Date.UTC(2026, 0, 15, 12, 30, 0));
    expect(runs).toHaveLength(1); // the new schedule waits for the running run
    runs[0]!.finish();
    await sleeping(1);
    expect(scheduler.status()[0]).toMatchObject({ cron: '30 * * * *', next: '2026-01-15T13:30:00.000Z' });
    scheduler.update([]);
    await sleeping(0);
    expect(scheduler.status()).toEqual([]);
    await scheduler.stop();
  });

  it('on shutdown aborts the running run, waits for it, and starts nothing more', async () => {
    const { clock, runs, scheduler, sleeping } = harness();
    scheduler.update([HOURLY, { ...HOURLY, path: '/p/b.yaml', name: 'b', cron: '0 0 1 1 *' }]);
    await sleeping(2);
    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    expect(runs[0]!.signal.aborted).toBe(true);
    await sleeping(0);
    expect(stopped).toBe(false); // the run has not finished yet
    runs[0]!.finish();
    await stopping;
    clock.set(Date.UTC(2026, 0, 15, 13, 0, 0));
    scheduler.update([HOURLY]);
    expect(runs).toHaveLength(1);
  });
});
