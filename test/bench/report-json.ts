/** The run report a measured `sluice run|apply --json` printed, read back from its stdout file. */
import { readFileSync } from 'node:fs';
import type { Measured } from './measure.js';

export interface RunReport {
  exitCode: number;
  plan?: { counts: Record<string, number> };
  apply?: Record<string, number>;
}

export function readReport(m: Measured): RunReport {
  const text = readFileSync(m.stdoutFile, 'utf8');
  try {
    return JSON.parse(text) as RunReport;
  } catch {
    throw new Error(`not a run report (${m.stdoutFile}): ${text.slice(0, 500)}`);
  }
}

/** Fails, naming the run, when a count of its report is not what the measured work must have done. */
export function expectCounts(what: string, report: RunReport, expected: Record<string, number>): void {
  const actual: Record<string, number | undefined> = { ...report.plan?.counts, ...prefixed(report.apply) };
  const wrong = Object.entries(expected).filter(([k, v]) => actual[k] !== v);
  if (wrong.length > 0)
    throw new Error(
      `${what} did not do the measured work: ${wrong.map(([k, v]) => `${k} ${actual[k]} (expected ${v})`).join(', ')}`,
    );
}

function prefixed(apply: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(apply ?? {}).map(([k, v]) => [`apply.${k}`, v]));
}
