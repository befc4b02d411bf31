/**
 * `sluice demo`: the README's main job. Starts the Concur, SAP Business One and AR-platform emulators seeded with
 * the demo company, an ERP database and the embedded SQLite state store under `.sluice/demo/`, runs
 * the shipped pipelines in order, then plans each of them again to show that nothing is left to
 * change. Stops everything it started before it returns. (demo.ts defines the command.)
 */
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { silentLogger } from '../../engine/runtime/logger.js';
import { InvalidPipelineError, runSession, type SessionResult } from '../../engine/run/session.js';
import { formatDiagnostics } from '../../engine/config/diagnostics.js';
import { trafficFileRecorder } from '../../engine/emulator-kit/recorder.js';
import { PIPELINES_DIR, startDemoEnvironment, type DemoEnvironment } from '../demo/environment.js';
import { DEMO_ALTERNATIVE, DEMO_PIPELINES, DEMO_SFTP_PIPELINES } from '../demo/pipelines.js';
import { sftpFiles, type DemoSftp } from '../demo/sftp.js';
import { write, type CliIo } from './common.js';

export interface DemoOptions {
  dir: string;
  fis?: boolean;
  fresh?: boolean;
  recordTraffic?: string;
  /** Leave the finance page running on the demo's state afterwards. */
  serve?: boolean;
  port?: string;
}

function line(r: SessionResult): string {
  const c = r.report.plan?.counts;
  const a = r.report.apply;
  const calls = Object.entries(r.report.apiCalls)
    .map(([n, s]) => `${n} ${s.apiCalls}`)
    .join(', ');
  const counts = c
    ? `read ${c.read}, create ${c.create}, update ${c.update}, delete ${c.delete}, unchanged ${c.noop}, locked ${c.locked}, attention ${r.report.attention.count}`
    : '';
  const written = a ? ` | written ${a.created + a.updated + a.deleted}` : '';
  return `${r.report.status.padEnd(9)} ${counts}${written} | ${(r.report.durationMs / 1000).toFixed(1)}s | api calls: ${calls}${r.report.error ? `\n            error ${r.report.error.code}: ${r.report.error.message}` : ''}`;
}

/** What the SFTP pipelines left on the server: the batch files delivered, the remittance files archived. */
function sftpSummary(sftp: DemoSftp, rel: string): string {
  const at = (folder: string): string => `${rel}/sftp/${relative(sftp.root, folder)}`;
  const list = (files: string[]): string => (files.length === 0 ? 'none' : files.join(', '));
  return (
    `  SFTP: open-invoice batch files in ${at(sftp.outbox)}: ${list(sftpFiles(sftp.outbox))}\n` +
    `        remittance files posted and archived in ${at(sftp.archive)}: ${list(sftpFiles(sftp.archive))}` +
    `; waiting in ${at(sftp.inbox)}: ${list(sftpFiles(sftp.inbox))}\n`
  );
}

async function runAll(
  env: DemoEnvironment,
  command: 'run' | 'plan',
  names: readonly string[],
  io: CliIo,
  failures: string[],
): Promise<SessionResult[]> {
  const results: SessionResult[] = [];
  const registry = await io.registry();
  for (const name of names) {
    let r: SessionResult;
    try {
      r = await runSession({
        command,
        subject: { kind: 'pipeline-file', path: join(PIPELINES_DIR, `${name}.yaml`) },
        connectionsPath: env.connectionsPath,
        stateUrl: env.stateUrl,
        registry,
        logger: silentLogger(),
        env: { ...process.env, ...env.env },
        keepOps: 10,
      });
    } catch (err) {
      const detail =
        err instanceof InvalidPipelineError
          ? formatDiagnostics(err.diagnostics, 'text')
          : `${(err as Error).message}\n`;
      write(io.stdout, `  ${name.padEnd(36)} invalid\n${detail.trimEnd().replace(/^/gm, '      ')}\n`);
      failures.push(name);
      continue;
    }
    write(io.stdout, `  ${name.padEnd(36)} ${line(r)}\n`);
    for (const s of r.report.attention.sample.slice(0, 3))
      write(io.stdout, `      attention ${s.sourceKey}: ${s.message}\n`);
    results.push(r);
  }
  return results;
}

export async function runDemo(opts: DemoOptions, io: CliIo): Promise<void> {
  const dir = resolve(opts.dir);
  if (opts.fresh) rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const traffic = opts.recordTraffic === undefined ? undefined : trafficFileRecorder(resolve(opts.recordTraffic));
  const env = await startDemoEnvironment({ dir, persist: true, sftp: true, ...(traffic && { traffic }) });
  const names = DEMO_PIPELINES.filter((n) => env.sftp !== undefined || !DEMO_SFTP_PIPELINES.includes(n)).map((n) =>
    opts.fis && n === 'concur-expense-reports-to-sap-b1' ? DEMO_ALTERNATIVE : n,
  );
  const relPath = relative(process.cwd(), dir);
  const rel = relPath === '' ? '.' : relPath.startsWith('..') ? dir : relPath;
  try {
    write(
      io.stdout,
      `sluice demo: Concur emulator ${env.concur.baseUrl}, SAP Business One emulator ${env.b1.url}, AR-platform emulator ${env.ar.url}, ` +
        (env.sftp ? `SFTP server (OpenSSH) ${env.sftp.host}:${env.sftp.port} on ${rel}/sftp, ` : '') +
        `state ${env.stateUrl}\n` +
        (env.sftp ? '' : `Not run: ${DEMO_SFTP_PIPELINES.join(', ')} (${env.sftpMissing})\n`) +
        '\nFirst run of each pipeline:\n',
    );
    const invalid: string[] = [];
    const first = await runAll(env, 'run', names, io, invalid);
    if (env.sftp) write(io.stdout, sftpSummary(env.sftp, rel));
    write(io.stdout, '\nSecond pass (plan only): what a new run would change\n');
    const second = await runAll(env, 'plan', names, io, []);
    const failed = first.filter((r) => r.exitCode === 1 || r.exitCode === 2).length + invalid.length;
    // A record the target refused in the first run (in attention, e.g. a payment to a closed invoice)
    // is planned again; only changes beyond those count as left to change.
    // (Both passes skip the same invalid pipelines, so first[i] and second[i] are one pipeline.)
    const pending = second.filter((r, i) => {
      const c = r.report.plan?.counts;
      return c !== undefined && c.create + c.update + c.delete > (first[i]?.report.apply?.failed ?? 0);
    }).length;
    write(
      io.stdout,
      [
        '',
        `Done in ${((Date.now() - started) / 1000).toFixed(1)}s: ${names.length - failed} of ${names.length} pipelines ran, ${pending === 0 ? 'the second pass has nothing left to change' : `${pending} still have changes`}.`,
        'Where to look next:',
        `  npx sluice attention list --state sqlite:${rel}/state.db          records that need attention, with reasons`,
        `  npx sluice runs --state sqlite:${rel}/state.db                    run history with reports`,
        `  npx sluice emulate concur | sap-b1 | ar-platform the emulators, to try sluice plan against`,
        `  ${rel}/connections.yaml                                     the only file that differs from a client deployment`,
        '',
      ].join('\n'),
    );
    io.exitCode = failed > 0 || pending > 0 ? 1 : 0;
    if (opts.serve) {
      const { serveDemo } = await import('../demo/serve.js');
      await serveDemo(env, await io.registry(), {
        port: opts.port === undefined ? 8484 : Number(opts.port),
        say: (line) => write(io.stdout, line),
      });
    }
  } finally {
    await env.close();
  }
}
