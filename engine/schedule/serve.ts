/**
 * `sluice schedule --serve <dir>`: the long-running scheduler. Looks at the directory every
 * `pollMs` (new, changed and removed pipeline files are picked up), runs each pipeline on its
 * schedule through the ordinary session (lease, fencing, report), evaluates alerts after each run
 * and on every look (no success within a window), and serves /healthz and /metrics. When `signal`
 * aborts (SIGTERM) it stops taking ticks, lets a running run stop at its next batch boundary,
 * records it, and closes everything.
 */
import { randomUUID } from 'node:crypto';
import type { Registry } from '../connector/registry.js';
import { evaluateAlerts } from '../alerts/evaluate.js';
import { alertsAfterRun } from '../alerts/after-run.js';
import type { PostJson } from '../alerts/webhook.js';
import { runSession } from '../run/session.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { discover, type Discovered } from './discover.js';
import { listen } from './http.js';
import { SchedulerMetrics } from './metrics.js';
import { Scheduler } from './scheduler.js';

export interface ServeOptions {
  dir: string;
  registry: Registry;
  connectionsPath?: string;
  stateUrl?: string;
  /** An already open store (tests); otherwise one is opened from stateUrl / env and closed at the end. */
  state?: StateStore;
  port: number;
  host: string;
  clock: Clock;
  logger: Logger;
  /** Shuts the scheduler down. */
  signal: AbortSignal;
  /** How often the directory is looked at again (and staleness alerts evaluated). */
  pollMs: number;
  env?: NodeJS.ProcessEnv;
  leaseTtlMs?: number;
  post?: PostJson;
  /** Told the port once /healthz and /metrics answer. */
  onListening?(port: number): void;
}

const TICK_RETENTION_MS = 7 * 86_400_000;

export async function serveSchedule(o: ServeOptions): Promise<void> {
  const state =
    o.state ?? (await openStateStore({ ...(o.stateUrl !== undefined && { url: o.stateUrl }), clock: o.clock }));
  const startedAt = o.clock.now();
  const claimant = randomUUID();
  const metrics = new SchedulerMetrics();
  const log = o.logger.child({ scheduler: claimant });
  let found: Discovered = { scheduled: [], unscheduled: [], invalid: [] };
  let stopping = false;
  const onFinished = alertsAfterRun({
    logger: log,
    clock: o.clock,
    since: startedAt,
    ...(o.env && { env: o.env }),
    ...(o.post && { post: o.post }),
  });

  const scheduler = new Scheduler({
    clock: o.clock,
    logger: log,
    claim: (name, tick) => state.claimTick(name, tick, claimant),
    run: async (p, _tick, signal) => {
      metrics.runStarted(p.name);
      await runSession({
        command: 'run',
        trigger: 'schedule',
        subject: { kind: 'pipeline-file', path: p.path },
        actor: 'scheduler',
        ...(o.connectionsPath !== undefined && { connectionsPath: o.connectionsPath }),
        registry: o.registry,
        logger: log,
        state,
        clock: o.clock,
        signal,
        ...(o.env && { env: o.env }),
        ...(o.leaseTtlMs !== undefined && { leaseTtlMs: o.leaseTtlMs }),
        onFinished: async (f) => {
          metrics.runFinished(f.report);
          metrics.setAttention(f.report.pipeline, await f.state.attentionByClass(f.report.pipeline));
          await onFinished(f);
        },
      }).catch((err: unknown) => {
        // Invalid since the last look: reported, and looked at again on the next one.
        metrics.runFinished({ ...failedReport(p.name, o.clock.now()) });
        log.error({ pipeline: p.name, err: (err as Error).message }, 'scheduled run could not start');
      });
    },
  });

  const look = async (): Promise<void> => {
    const before = new Set(found.invalid.map((i) => i.path));
    found = discover(o.dir, {
      registry: o.registry,
      ...(o.connectionsPath !== undefined && { connectionsPath: o.connectionsPath }),
      ...(o.env !== undefined && { env: o.env }),
    });
    for (const i of found.invalid)
      if (!before.has(i.path))
        log.error(
          { path: i.path, diagnostics: i.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`) },
          'pipeline file is invalid: not scheduled until it is fixed',
        );
    metrics.pipelines.set({ state: 'scheduled' }, found.scheduled.length);
    metrics.pipelines.set({ state: 'unscheduled' }, found.unscheduled.length);
    metrics.pipelines.set({ state: 'invalid' }, found.invalid.length);
    scheduler.update(found.scheduled);
    for (const p of found.scheduled) {
      metrics.setAttention(p.name, await state.attentionByClass(p.name));
      metrics.setLastSuccess(p.name, await state.runLastSuccess(p.name));
      await evaluateAlerts({
        pipeline: p.name,
        rules: p.rules,
        state,
        clock: o.clock,
        logger: log.child({ pipeline: p.name }),
        since: startedAt,
        ...(o.env && { env: o.env }),
        ...(o.post && { post: o.post }),
      });
    }
    await state.pruneTicks(new Date(o.clock.now() - TICK_RETENTION_MS).toISOString());
  };

  const { server, port } = await listen(o.port, o.host, {
    health: () => ({
      ok: !stopping,
      body: {
        status: stopping ? 'stopping' : 'ok',
        state: state.location.display,
        pipelines: scheduler.status(),
        unscheduled: found.unscheduled,
        invalid: found.invalid.map((i) => ({ path: i.path, problems: i.diagnostics.length })),
      },
    }),
    metrics: async () => ({ contentType: metrics.contentType, text: await metrics.text() }),
  });
  log.info({ dir: o.dir, port, state: state.location.display }, 'scheduler started');
  o.onListening?.(port);
  try {
    while (!o.signal.aborted) {
      await look().catch((err: unknown) =>
        log.error({ err: (err as Error).message }, 'looking at the pipelines failed; trying again'),
      );
      await o.clock.sleep(o.pollMs, o.signal).catch(() => undefined);
    }
  } finally {
    stopping = true;
    log.info({}, 'scheduler stopping: running runs stop at their next batch boundary');
    await scheduler.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    if (!o.state) await state.close();
    log.info({}, 'scheduler stopped');
  }
}

/** What the metrics count for a run that could not even start (its file became invalid). */
function failedReport(pipeline: string, now: number): Parameters<SchedulerMetrics['runFinished']>[0] {
  const at = new Date(now).toISOString();
  return {
    runId: '',
    pipeline,
    command: 'run',
    status: 'failed',
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    pipelineHash: '',
    pipelineFile: { path: '' },
    attention: { count: 0, sample: [] },
    apiCalls: {},
    exitCode: 2,
    stateStore: '',
  };
}
