/**
 * Throughput: rounds of four child processes in turn — the bare loop, a first run (fresh state),
 * an unchanged rerun, and a run over the input with 1% of records changed — each timed whole;
 * the figures are ratios of the medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './args.js';
import { figure, type Figure } from './figures.js';
import { filePipelineDir, sluiceCommand, useInput } from './file-pipeline.js';
import { checkExit, cliNodeFlags, measure, type MeasureContext, type Measured } from './measure.js';
import { expectCounts, readReport } from './report-json.js';
import { medianOf, ratio } from './stats.js';
import { resolveThreads } from '../../engine/run/threads.js';
import type { Inputs } from './inputs.js';

const BARE = new URL('./bare-loop.js', import.meta.url).pathname;

export type Kind = 'bare' | 'first' | 'first-one-thread' | 'unchanged' | 'changed';

export interface Sample {
  kind: Kind;
  round: number;
  wallMs: number;
  cpuMs?: number;
  maxRssMb?: number;
  /** The plan counts of the run's report (not for the bare loop). */
  counts?: Record<string, number>;
}

export async function throughputPhase(
  opts: BenchOptions,
  ctx: MeasureContext,
  inputs: Inputs,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; samples: Sample[] }> {
  const n = opts.records;
  const samples: Sample[] = [];
  const keep = (kind: Kind, round: number, m: Measured, counts?: Record<string, number>): void => {
    samples.push({ kind, round, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssMb: m.maxRssMb, counts });
    log(`  round ${round} ${kind.padEnd(9)} ${(m.wallMs / 1000).toFixed(2)} s`);
  };
  for (let round = 1; round <= opts.samples; round++) {
    const dir = mkdtempSync(join(ctx.scratch, `round-${round}-`));
    try {
      const bare = await measure(
        ctx,
        [...cliNodeFlags(), BARE, inputs.base, inputs.accounts, join(dir, 'bare.jsonl')],
        {
          cwd: dir,
        },
      );
      checkExit('bare loop', bare);
      keep('bare', round, bare);
      rmSync(join(dir, 'bare.jsonl'), { force: true });

      const p = filePipelineDir(dir, inputs.base);
      const first = await measure(ctx, sluiceCommand(p, 'run'), { cwd: dir });
      checkExit('first run', first);
      const firstReport = readReport(first);
      expectCounts('first run', firstReport, { read: n, create: n, 'apply.created': n });
      keep('first', round, first, firstReport.plan?.counts);

      // The same first run with the transform on the main thread only (--threads 0), for comparison.
      const dir1 = mkdtempSync(join(dir, 'one-thread-'));
      const p1 = filePipelineDir(dir1, inputs.base);
      const single = await measure(ctx, sluiceCommand(p1, 'run', '--threads', '0'), { cwd: dir1 });
      checkExit('first run, one thread', single);
      expectCounts('first run, one thread', readReport(single), { read: n, create: n, 'apply.created': n });
      keep('first-one-thread', round, single);
      rmSync(dir1, { recursive: true, force: true });

      const unchanged = await measure(ctx, sluiceCommand(p, 'run'), { cwd: dir });
      checkExit('unchanged rerun', unchanged);
      const unchangedReport = readReport(unchanged);
      expectCounts('unchanged rerun', unchangedReport, { read: n, create: 0, update: 0 });
      keep('unchanged', round, unchanged, unchangedReport.plan?.counts);

      useInput(dir, inputs.changed);
      const changed = await measure(ctx, sluiceCommand(p, 'run'), { cwd: dir });
      checkExit('1% changed run', changed);
      const changedReport = readReport(changed);
      expectCounts('1% changed run', changedReport, { read: n, update: inputs.changedCount });
      keep('changed', round, changed, changedReport.plan?.counts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { figures: throughputFigures(n, samples), samples };
}

function med(samples: readonly Sample[], kind: Kind, field: 'wallMs' | 'cpuMs'): number | undefined {
  return medianOf(samples.filter((s) => s.kind === kind).map((s) => s[field]));
}

const secs = (ms: number | undefined): string => (ms === undefined ? '?' : `${(ms / 1000).toFixed(2)} s`);
const times = (v: number | undefined): string => (v === undefined ? '?' : `${v.toFixed(2)}x`);

/** The ratios of the medians (wall time decides; CPU time is given beside it). */
export function throughputFigures(n: number, samples: readonly Sample[]): Figure[] {
  const count = samples.filter((s) => s.kind === 'bare').length;
  const wall = (k: Kind): number | undefined => med(samples, k, 'wallMs');
  const cpu = (k: Kind): number | undefined => med(samples, k, 'cpuMs');
  const rate = (ms: number | undefined): string => (ms === undefined ? '?' : `${Math.round((n / ms) * 1000)}/s`);
  const rows: Figure[] = [
    figure({
      id: 'first_vs_bare',
      label: `first run / bare loop, throughput (${n} records)`,
      value: ratio(wall('bare'), wall('first')),
      unit: 'x',
      target: { op: '>=', limit: 0.8 },
      detail: `medians of ${count}: bare ${secs(wall('bare'))} (${rate(wall('bare'))}), first ${secs(wall('first'))} (${rate(wall('first'))}); cpu ${times(ratio(cpu('bare'), cpu('first')))}`,
    }),
    figure({
      id: 'first_one_thread_vs_bare',
      label: 'first run on one thread (--threads 0) / bare loop, throughput',
      value: ratio(wall('bare'), wall('first-one-thread')),
      unit: 'x',
      detail: `medians of ${count}: ${secs(wall('first-one-thread'))} (${rate(wall('first-one-thread'))}); the first run above uses --threads auto (${resolveThreads('auto')} here); cpu ${times(ratio(cpu('bare'), cpu('first-one-thread')))}`,
    }),
    figure({
      id: 'rerun_unchanged_vs_first',
      label: 'unchanged rerun / first run, time',
      value: ratio(wall('unchanged'), wall('first')),
      unit: 'x',
      target: { op: '<=', limit: 0.3 },
      detail: `medians of ${count}: ${secs(wall('unchanged'))} vs ${secs(wall('first'))}; cpu ${times(ratio(cpu('unchanged'), cpu('first')))}`,
    }),
    figure({
      id: 'changed_1pct_vs_first',
      label: '1%-changed run / first run, time',
      value: ratio(wall('changed'), wall('first')),
      unit: 'x',
      target: { op: '<=', limit: 0.35 },
      detail: `medians of ${count}: ${secs(wall('changed'))} vs ${secs(wall('first'))}; cpu ${times(ratio(cpu('changed'), cpu('first')))}`,
    }),
    figure({
      id: 'first_run_rss',
      label: `first run peak RSS (${n} records)`,
      value: medianOf(samples.filter((s) => s.kind === 'first').map((s) => s.maxRssMb)),
      unit: 'MB',
      detail: `median of ${count}; bare loop ${medianOf(samples.filter((s) => s.kind === 'bare').map((s) => s.maxRssMb))?.toFixed(0) ?? '?'} MB`,
    }),
  ];
  return rows;
}
