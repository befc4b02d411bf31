/**
 * Two schedulers on the same directory and state store (SQLite and the real MariaDB), on one
 * injected clock: each tick runs once, in one of them (also when the second wakes after the first
 * finished it, on a clock of its own); runs are logged with trigger `schedule`; /healthz and /metrics answer; a changed
 * file is picked up; shutdown stops both cleanly.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataset } from '../../test/helpers/memory-connector.js';
import { memoryRegistry, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { ManualClock } from '../runtime/clock.js';
import { silentLogger } from '../runtime/logger.js';
import { logList } from '../state/log.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { serveSchedule } from './serve.js';

const SECRET = 's'.repeat(64);

describe.each(stateBackends)('two schedulers on $name', (backend) => {
  let fresh: FreshStore;
  const stores: StateStore[] = [];
  beforeAll(async () => {
    fresh = await backend.fresh();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await fresh.cleanup();
  });

  it('run each tick once between them, serve health and metrics, and stop cleanly', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const src = dataset(`${dir}:src`);
    const dst = dataset(`${dir}:dst`);
    src.source = [
      { id: 'a', name: 'Alpha', amount: 1 },
      { id: 'b', name: 'Beta', amount: 2 },
    ];
    const path = writePipeline(dir, { name: 'hourly', extra: { schedule: { cron: '0 * * * *', timezone: 'UTC' } } });
    writeFileSync(`${dir}/broken.yaml`, 'version: 1\nname: broken\n');
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 11, 59, 0));
    const stop = new AbortController();
    const ports: number[] = [];
    // opened one after the other: a store that waits for another's migration waits on the clock
    for (let i = 0; i < 2; i++) stores.push(await openStateStore({ url: fresh.url, secretKey: SECRET, clock }));
    const servers = stores.map((state) =>
      serveSchedule({
        dir,
        registry: memoryRegistry,
        state,
        port: 0,
        host: '127.0.0.1',
        clock,
        logger: silentLogger(),
        signal: stop.signal,
        pollMs: 30_000,
        onListening: (port) => ports.push(port),
      }),
    );
    const get = async (port: number, p: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`);
      return { status: res.status, text: await res.text() };
    };
    // both look at the directory and wait: for the next look (30 s) and the 12:00 tick
    await vi.waitFor(() => expect(clock.sleepers).toBe(4), { timeout: 30_000 });
    const health = JSON.parse((await get(ports[0]!, '/healthz')).text) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: 'ok',
      pipelines: [{ name: 'hourly', cron: '0 * * * *', timezone: 'UTC', next: '2026-01-15T12:00:00.000Z' }],
      invalid: [{ path: `${dir}/broken.yaml` }],
    });

    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    await vi.waitFor(
      async () => expect((await stores[0]!.runList('hourly')).map((r) => r.status)).toEqual(['succeeded']),
      {
        timeout: 30_000,
      },
    );
    await vi.waitFor(() => expect(clock.sleepers).toBe(4), { timeout: 30_000 });
    expect(dst.target.size).toBe(2);
    expect(dst.calls.write).toBe(1);
    // the integration log says a schedule started these writes
    expect((await logList(stores[0]!.knex, { pipeline: 'hourly' })).map((l) => [l.sourceKey, l.trigger])).toEqual([
      ['a', 'schedule'],
      ['b', 'schedule'],
    ]);

    src.source.push({ id: 'c', name: 'Gamma', amount: 3 });
    clock.set(Date.UTC(2026, 0, 15, 13, 0, 0));
    await vi.waitFor(async () => expect(await stores[0]!.runList('hourly')).toHaveLength(2), { timeout: 30_000 });
    await vi.waitFor(() => expect(clock.sleepers).toBe(4), { timeout: 30_000 });
    expect(dst.target.size).toBe(3);
    expect((await stores[0]!.runList('hourly')).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);

    const metrics = (await Promise.all(ports.map((p) => get(p, '/metrics')))).map((m) => m.text).join('\n');
    const runsTotal = [...metrics.matchAll(/^sluice_runs_total\{pipeline="hourly",outcome="succeeded"\} (\d+)$/gm)];
    expect(runsTotal.reduce((n, m) => n + Number(m[1]), 0)).toBe(2); // two ticks, between both schedulers
    expect(metrics).toMatch(/^sluice_records_total\{pipeline="hourly",operation="create"\} \d+$/m);
    expect(metrics).toMatch(/^sluice_api_calls_total\{pipeline="hourly",connection="dst"\} \d+$/m);
    expect(metrics).toMatch(/^sluice_last_success_timestamp_seconds\{pipeline="hourly"\} 1768482000$/m);
    expect(metrics).toMatch(/^sluice_attention_records\{pipeline="hourly",class="data"\} 0$/m);
    const durations = [...metrics.matchAll(/^sluice_run_duration_seconds_count\{pipeline="hourly"\} (\d+)$/gm)];
    expect(durations.reduce((n, m) => n + Number(m[1]), 0)).toBe(2);
    expect(metrics).toMatch(/^sluice_pipelines\{state="invalid"\} 1$/m);

    // a changed schedule is picked up at the next look
    writePipeline(dir, { name: 'hourly', extra: { schedule: { cron: '30 * * * *', timezone: 'UTC' } } });
    clock.set(Date.UTC(2026, 0, 15, 13, 1, 0));
    await vi.waitFor(
      async () => {
        const h = JSON.parse((await get(ports[1]!, '/healthz')).text) as { pipelines: { next: string }[] };
        expect(h.pipelines[0]!.next).toBe('2026-01-15T13:30:00.000Z');
      },
      { timeout: 30_000 },
    );
    expect(path).toBe(`${dir}/hourly.yaml`);

    stop.abort();
    await Promise.all(servers);
    await expect(fetch(`http://127.0.0.1:${ports[0]}/healthz`)).rejects.toThrow();
  });

  it(
    'run a tick once also when the second scheduler wakes after the first one has finished it',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir();
      const src = dataset(`${dir}:src`);
      const dst = dataset(`${dir}:dst`);
      src.source = [{ id: 'a', name: 'Alpha', amount: 1 }];
      writePipeline(dir, { name: 'late', extra: { schedule: { cron: '0 * * * *', timezone: 'UTC' } } });
      // each scheduler on its own clock: B is late (a slow pod, a clock behind), A has finished by then
      const clocks = [
        new ManualClock(Date.UTC(2026, 0, 15, 11, 59, 0)),
        new ManualClock(Date.UTC(2026, 0, 15, 11, 59, 0)),
      ];
      const own: StateStore[] = [];
      for (const clock of clocks) own.push(await openStateStore({ url: fresh.url, secretKey: SECRET, clock }));
      stores.push(...own);
      const stop = new AbortController();
      const ports: number[] = [];
      const servers = own.map((state, i) =>
        serveSchedule({
          dir,
          registry: memoryRegistry,
          state,
          port: 0,
          host: '127.0.0.1',
          clock: clocks[i]!,
          logger: silentLogger(),
          signal: stop.signal,
          pollMs: 30_000,
          onListening: (port) => ports.push(port),
        }),
      );
      const next = async (port: number): Promise<string> => {
        const h = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pipelines: { next: string }[] };
        return h.pipelines[0]!.next;
      };
      for (const c of clocks) await vi.waitFor(() => expect(c.sleepers).toBe(2), { timeout: 30_000 });
      clocks[0]!.set(Date.UTC(2026, 0, 15, 12, 0, 0));
      await vi.waitFor(
        async () => expect((await own[0]!.runList('late')).map((r) => r.status)).toEqual(['succeeded']),
        {
          timeout: 30_000,
        },
      );
      await vi.waitFor(() => expect(clocks[0]!.sleepers).toBe(2), { timeout: 30_000 });
      expect(await own[0]!.leaseHolder('late')).toBeUndefined(); // the lease alone would not stop B now

      clocks[1]!.set(Date.UTC(2026, 0, 15, 12, 0, 5));
      await vi.waitFor(async () => expect(await next(ports[1]!)).toBe('2026-01-15T13:00:00.000Z'), { timeout: 30_000 });
      await vi.waitFor(() => expect(clocks[1]!.sleepers).toBe(2), { timeout: 30_000 });
      expect((await own[1]!.runList('late')).map((r) => r.status)).toEqual(['succeeded']);
      expect(dst.calls.write).toBe(1);
      expect(dst.target.size).toBe(1);

      stop.abort();
      await Promise.all(servers);
    },
  );
});
