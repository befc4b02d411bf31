/**
 * Peak memory: `plan --out` + `apply` of a first load at the timed size, and `run` and
 * `plan --out` + `apply` at the large size, each in a fresh state store; peak RSS of each child.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './args.js';
import { figure, type Figure } from './figures.js';
import { filePipelineDir, sluiceCommand } from './file-pipeline.js';
import type { Inputs } from './inputs.js';
import { checkExit, measure, type MeasureContext, type Measured } from './measure.js';
import { expectCounts, readReport } from './report-json.js';
import { medianOf } from './stats.js';

export type MemoryKind = 'plan' | 'apply' | 'run';

export interface MemorySample {
  kind: MemoryKind;
  records: number;
  wallMs: number;
  cpuMs?: number;
  maxRssMb?: number;
}

type Log = (line: string) => void;

async function planAndApply(ctx: MeasureContext, input: string, n: number, keep: (k: MemoryKind, m: Measured) => void) {
  const dir = mkdtempSync(join(ctx.scratch, `apply-${n}-`));
  try {
    const p = filePipelineDir(dir, input);
    const plan = await measure(ctx, sluiceCommand(p, 'plan', '--out', join(dir, 'plan.json')), { cwd: dir });
    checkExit(`plan --out (${n} records)`, plan);
    if (!existsSync(join(dir, 'plan.json'))) throw new Error(`plan --out (${n} records) wrote no plan file`);
    keep('plan', plan);
    const apply = await measure(ctx, sluiceCommand(p, 'apply'), { cwd: dir });
    checkExit(`apply (${n} records)`, apply);
    expectCounts(`apply (${n} records)`, readReport(apply), { 'apply.created': n });
    keep('apply', apply);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(ctx: MeasureContext, input: string, n: number, keep: (k: MemoryKind, m: Measured) => void) {
  const dir = mkdtempSync(join(ctx.scratch, `run-${n}-`));
  try {
    const p = filePipelineDir(dir, input);
    const m = await measure(ctx, sluiceCommand(p, 'run'), { cwd: dir });
    checkExit(`run (${n} records)`, m);
    expectCounts(`run (${n} records)`, readReport(m), { read: n, 'apply.created': n });
    keep('run', m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function memoryPhase(
  opts: BenchOptions,
  ctx: MeasureContext,
  inputs: { small: Inputs; big: () => Promise<Inputs> },
  log: Log,
): Promise<{ figures: Figure[]; samples: MemorySample[] }> {
  const samples: MemorySample[] = [];
  const keeper =
    (records: number) =>
    (kind: MemoryKind, m: Measured): void => {
      samples.push({ kind, records, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssMb: m.maxRssMb });
      log(
        `  ${kind.padEnd(5)} ${records} records: ${m.maxRssMb?.toFixed(0) ?? '?'} MB, ${(m.wallMs / 1000).toFixed(2)} s`,
      );
    };
  for (let i = 0; i < opts.bigSamples; i++)
    await planAndApply(ctx, inputs.small.base, opts.records, keeper(opts.records));
  const big = await inputs.big();
  for (let i = 0; i < opts.bigSamples; i++) {
    await run(ctx, big.base, opts.bigRecords, keeper(opts.bigRecords));
    await planAndApply(ctx, big.base, opts.bigRecords, keeper(opts.bigRecords));
  }
  return { figures: memoryFigures(opts.records, opts.bigRecords, samples), samples };
}

export function memoryFigures(small: number, big: number, samples: readonly MemorySample[]): Figure[] {
  const rss = (kind: MemoryKind, records: number): number | undefined =>
    medianOf(samples.filter((s) => s.kind === kind && s.records === records).map((s) => s.maxRssMb));
  const count = (kind: MemoryKind, records: number): number =>
    samples.filter((s) => s.kind === kind && s.records === records).length;
  const limit = { op: '<=', limit: 200 } as const;
  const detail = (kind: MemoryKind, records: number, extra = ''): string => `median of ${count(kind, records)}${extra}`;
  return [
    figure({
      id: 'apply_rss_small',
      label: `apply peak RSS (${small} records)`,
      value: rss('apply', small),
      unit: 'MB',
      detail: detail('apply', small, `; plan --out ${rss('plan', small)?.toFixed(0) ?? '?'} MB`),
    }),
    figure({
      id: 'run_rss_big',
      label: `run peak RSS (${big} records)`,
      value: rss('run', big),
      unit: 'MB',
      target: limit,
      detail: detail('run', big),
    }),
    figure({
      id: 'apply_rss_big',
      label: `apply peak RSS (${big} records)`,
      value: rss('apply', big),
      unit: 'MB',
      target: limit,
      detail: detail('apply', big, `; plan --out ${rss('plan', big)?.toFixed(0) ?? '?'} MB`),
    }),
  ];
}
