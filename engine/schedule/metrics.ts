/**
 * Prometheus metrics of a scheduler (prom-client, on a registry of its own): runs by outcome,
 * records by operation, attention by reason class, API calls by connection, run durations and the
 * time of the last successful run, per pipeline.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunReport } from '../run/report.js';

const OPERATIONS = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  forgotten: 'forget',
  adopted: 'adopt',
  recovered: 'recover',
  reversed: 'reverse',
  inDoubt: 'in_doubt',
  failed: 'fail',
} as const;

export class SchedulerMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: 'sluice_runs_total',
    help: 'Finished runs by outcome (succeeded, attention, failed, interrupted, lease_held)',
    labelNames: ['pipeline', 'outcome'],
    registers: [this.registry],
  });
  private readonly records = new Counter({
    name: 'sluice_records_total',
    help: 'Records written by operation',
    labelNames: ['pipeline', 'operation'],
    registers: [this.registry],
  });
  private readonly attention = new Gauge({
    name: 'sluice_attention_records',
    help: 'Records needing attention (open or marked for re-sync) by reason class',
    labelNames: ['pipeline', 'class'],
    registers: [this.registry],
  });
  private readonly apiCalls = new Counter({
    name: 'sluice_api_calls_total',
    help: 'Remote API calls by connection',
    labelNames: ['pipeline', 'connection'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'sluice_run_duration_seconds',
    help: 'Run durations',
    labelNames: ['pipeline'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'sluice_last_success_timestamp_seconds',
    help: 'When a run of the pipeline last succeeded (with or without attention), as Unix time',
    labelNames: ['pipeline'],
    registers: [this.registry],
  });
  private readonly running = new Gauge({
    name: 'sluice_running',
    help: '1 while a run of the pipeline is going on in this scheduler',
    labelNames: ['pipeline'],
    registers: [this.registry],
  });
  readonly pipelines = new Gauge({
    name: 'sluice_pipelines',
    help: 'Pipeline files in the scheduled directory, by state (scheduled, unscheduled, invalid)',
    labelNames: ['state'],
    registers: [this.registry],
  });

  runStarted(pipeline: string): void {
    this.running.set({ pipeline }, 1);
  }

  runFinished(r: RunReport): void {
    const pipeline = r.pipeline;
    this.running.set({ pipeline }, 0);
    const outcome = r.error?.code === 'LEASE_HELD' ? 'lease_held' : r.status;
    this.runs.inc({ pipeline, outcome });
    this.duration.observe({ pipeline }, r.durationMs / 1000);
    for (const [field, operation] of Object.entries(OPERATIONS)) {
      const n = r.apply?.[field as keyof typeof OPERATIONS] ?? 0;
      if (n > 0) this.records.inc({ pipeline, operation }, n);
    }
    for (const [connection, s] of Object.entries(r.apiCalls))
      if (s.apiCalls > 0) this.apiCalls.inc({ pipeline, connection }, s.apiCalls);
    if (r.status === 'succeeded' || r.status === 'attention')
      this.lastSuccess.set({ pipeline }, Date.parse(r.finishedAt) / 1000);
  }

  setLastSuccess(pipeline: string, at: string | undefined): void {
    if (at) this.lastSuccess.set({ pipeline }, Date.parse(at) / 1000);
  }

  setAttention(pipeline: string, byClass: Partial<Record<string, number>>): void {
    for (const cls of ['config', 'auth', 'data', 'transient', 'conflict', 'locked'])
      this.attention.set({ pipeline, class: cls }, byClass[cls] ?? 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
