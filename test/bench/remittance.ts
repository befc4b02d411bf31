/**
 * The high-volume remittance: pipelines/sftp-remittances-to-sap-b1.yaml (the shipped file, its
 * folders pointed at the test server) reads one CSV file of N lines from a real OpenSSH SFTP server
 * (test/helpers/openssh.ts) and posts one incoming payment per line to the SAP Business One emulator,
 * which runs in this process with N open invoices. The run is one child; its time, peak RSS and the
 * Service Layer requests it made are reported, and every line must have become exactly one payment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startDemoEnvironment } from '../../app/demo/environment.js';
import { startOpenSsh } from '../helpers/openssh.js';
import { prepareRemittance } from '../helpers/remittance.js';
import type { BenchOptions } from './args.js';
import { figure, type Figure } from './figures.js';
import { checkExit, measure, sluiceArgv, type MeasureContext } from './measure.js';
import { expectCounts, readReport } from './report-json.js';

export interface RemittanceRun {
  lines: number;
  wallMs: number;
  cpuMs?: number;
  maxRssMb?: number;
  /** Service Layer requests of the run, logins included, by "METHOD EntitySet". */
  requests: Record<string, number>;
  total: number;
}

export async function remittancePhase(
  opts: BenchOptions,
  ctx: MeasureContext,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; runs: RemittanceRun[] }> {
  const lines = opts.remittanceLines;
  const dir = mkdtempSync(join(ctx.scratch, 'remittance-'));
  const ssh = await startOpenSsh();
  try {
    const env = await startDemoEnvironment({ dir: join(dir, 'demo') });
    try {
      const { path } = await prepareRemittance(env, ssh, join(dir, 'pipeline'), lines);
      env.b1.counters.reset();
      const argv = sluiceArgv(
        'run',
        path,
        '--json',
        '--no-progress',
        '--log-level',
        'warn',
        '--connections',
        env.connectionsPath,
        '--state',
        env.stateUrl,
      );
      const m = await measure(ctx, argv, { cwd: dirname(path), env: env.env });
      checkExit(`remittance run (${lines} lines)`, m);
      expectCounts(`remittance run (${lines} lines)`, readReport(m), { 'apply.created': lines });
      const payments = env.b1.state.IncomingPayments.size;
      if (payments !== lines) throw new Error(`remittance run: ${payments} incoming payments for ${lines} lines`);
      const { total, requests } = env.b1.counters.snapshot();
      const run: RemittanceRun = { lines, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssMb: m.maxRssMb, requests, total };
      log(
        `  ${lines} lines: ${(m.wallMs / 1000).toFixed(1)} s, ${m.maxRssMb?.toFixed(0) ?? '?'} MB, ${total} Service Layer requests`,
      );
      return { figures: remittanceFigures(run), runs: [run] };
    } finally {
      await env.close();
    }
  } finally {
    await ssh.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function remittanceFigures(r: RemittanceRun): Figure[] {
  const requests = Object.entries(r.requests)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ${n}`)
    .join(', ');
  return [
    figure({
      id: 'remittance_rss',
      label: `SFTP remittance run peak RSS (${r.lines} lines in one file)`,
      value: r.maxRssMb,
      unit: 'MB',
      target: { op: '<=', limit: 200 },
      detail: `${(r.wallMs / 1000).toFixed(1)} s (${Math.round(r.lines / (r.wallMs / 1000))} lines/s), cpu ${((r.cpuMs ?? 0) / 1000).toFixed(1)} s`,
    }),
    figure({
      id: 'remittance_requests',
      label: `SFTP remittance run, Service Layer requests (${r.lines} lines)`,
      value: r.total,
      unit: 'calls',
      detail: requests,
    }),
  ];
}
