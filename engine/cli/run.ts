/** `sluice plan`, `sluice run` and `sluice apply`: one session, three commands. */
import type { Command } from 'commander';
import { formatDiagnostics } from '../config/diagnostics.js';
import {
  EXIT,
  InvalidPipelineError,
  runSession,
  type Command as SessionCommand,
  type SessionResult,
} from '../run/session.js';
import { formatReport } from '../run/report.js';
import { ConfigError, InterruptedError, asSluiceError } from '../errors.js';
import { addGlobalOptions, loggerFor, parseNumber, write, type CliIo, type GlobalOptions } from './common.js';
import { formatPlan } from './print-plan.js';
import { progressHooks } from './progress.js';
import { parseLeaseTtl } from '../runtime/duration.js';
import { systemClock } from '../runtime/clock.js';
import { alertsAfterRun } from '../alerts/after-run.js';

interface RunOptions extends GlobalOptions {
  out?: string;
  detailedExitcode?: boolean;
  json?: boolean;
  force?: boolean;
  allowEmptySource?: boolean;
  maxDeletePercent?: string;
  resync?: boolean;
  progress?: boolean;
  leaseTtl?: string;
  full?: boolean;
}

/** `--lease-ttl`, else SLUICE_LEASE_TTL, else the session's default. */
function leaseTtl(opts: RunOptions): number | undefined {
  const raw = opts.leaseTtl ?? process.env.SLUICE_LEASE_TTL;
  if (raw === undefined || raw.trim() === '') return undefined;
  return parseLeaseTtl(raw, opts.leaseTtl !== undefined ? '--lease-ttl' : 'SLUICE_LEASE_TTL');
}

/**
 * SIGTERM/SIGINT stop the session at the next batch boundary (what was acknowledged is committed,
 * the lease released, the run marked interrupted); a second signal exits at once.
 */
function interruptible(io: CliIo): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      io.stderr.write(`sluice: second ${sig}: exiting now\n`);
      process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    io.stderr.write(`sluice: ${sig}: stopping at the next batch boundary (send it again to exit at once)\n`);
    controller.abort(new InterruptedError(sig));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}

async function execute(command: SessionCommand, target: string, opts: RunOptions, io: CliIo): Promise<void> {
  const logger = loggerFor(opts, io);
  const progress = progressHooks(io.stderr, opts.progress !== false && !opts.json);
  const signals = interruptible(io);
  let result: SessionResult;
  try {
    result = await runSession({
      command,
      subject: command === 'apply' ? { kind: 'plan-file', path: target } : { kind: 'pipeline-file', path: target },
      ...(opts.out && { planOut: opts.out }),
      ...(opts.connections && { connectionsPath: opts.connections }),
      ...(opts.state && { stateUrl: opts.state }),
      registry: io.registry,
      logger,
      force: opts.force === true,
      allowEmptySource: opts.allowEmptySource === true,
      ...(opts.maxDeletePercent !== undefined && {
        maxDeletePercent: parseNumber(opts.maxDeletePercent, '--max-delete-percent'),
      }),
      ...(leaseTtl(opts) !== undefined && { leaseTtlMs: leaseTtl(opts) }),
      resync: opts.resync !== false,
      full: opts.full === true,
      detailedExitcode: opts.detailedExitcode === true,
      signal: signals.signal,
      ...(command !== 'plan' && { onFinished: alertsAfterRun({ logger, clock: systemClock }) }),
      ...(progress.onPlanProgress && { onPlanProgress: progress.onPlanProgress }),
      ...(progress.onApplyProgress && { onApplyProgress: progress.onApplyProgress }),
      ...(progress.onApplyStart && { onApplyStart: progress.onApplyStart }),
    });
  } catch (err) {
    progress.stop();
    signals.dispose();
    if (err instanceof InvalidPipelineError) {
      write(io.stderr, formatDiagnostics(err.diagnostics, 'text'));
      io.exitCode = EXIT.invalid;
      return;
    }
    const e = asSluiceError(err);
    write(io.stderr, `sluice ${command}: ${e.code}: ${e.message}\n`);
    io.exitCode = e instanceof ConfigError ? EXIT.invalid : EXIT.failed;
    return;
  }
  progress.stop();
  signals.dispose();
  if (opts.json) {
    const body =
      command === 'plan'
        ? {
            ...result.report,
            operations: result.ops,
            attention: result.attention,
            truncated: result.totals.ops > result.ops.length || result.totals.attention > result.attention.length,
            totals: result.totals,
          }
        : result.report;
    write(io.stdout, JSON.stringify(body, null, 2) + '\n');
  } else {
    if (command === 'plan' && result.report.plan)
      write(
        io.stdout,
        formatPlan(
          result.report.pipeline,
          result.report.plan,
          result.ops,
          result.attention,
          result.totals,
          result.deleteAction,
        ),
      );
    if (command === 'plan' && opts.out && !result.report.error)
      write(io.stdout, `Saved the sealed plan to ${opts.out}; apply it with: sluice apply ${opts.out}\n`);
    if (command !== 'plan' || result.report.error) write(io.stdout, formatReport(result.report));
  }
  io.exitCode = result.exitCode;
}

export function runCommands(program: Command, io: CliIo): void {
  addGlobalOptions(
    program
      .command('plan')
      .description(
        'show what a run would do to the target (create / update with field diffs / delete / locked), writing nothing',
      )
      .argument('<pipeline>', 'pipeline file')
      .option('--out <plan.json>', 'save the plan for sluice apply')
      .option('--detailed-exitcode', 'exit 0 when there are no changes, 4 when there are')
      .option('--json', 'print the plan as JSON')
      .option('--allow-empty-source', 'let mirror mode delete when the source returns no records')
      .option('--max-delete-percent <n>', 'override target.deletes.maxPercent for this plan')
      .option('--no-resync', 'leave records marked for re-sync out')
      .option(
        '--full',
        'evaluate every source record, also those unchanged since they were synced (and so compare the target again)',
      )
      .option('--no-progress', 'no progress bar'),
  ).action((pipeline: string, opts: RunOptions) => execute('plan', pipeline, opts, io));

  addGlobalOptions(
    program
      .command('run')
      .description('plan and apply in one go; exit 0 all synced, 3 records need attention, 1 failed, 2 invalid input')
      .argument('<pipeline>', 'pipeline file')
      .option('--json', 'print the run report as JSON')
      .option('--force', "break another run's lease on this pipeline (audited)")
      .option(
        '--lease-ttl <duration>',
        'how long the lease lasts without renewal: 90s, 5m, PT5M or milliseconds (default: SLUICE_LEASE_TTL, else 5m)',
      )
      .option('--allow-empty-source', 'let mirror mode delete when the source returns no records')
      .option('--max-delete-percent <n>', 'override target.deletes.maxPercent for this run')
      .option('--no-resync', 'leave records marked for re-sync out')
      .option(
        '--full',
        'evaluate every source record, also those unchanged since they were synced (and so compare the target again)',
      )
      .option('--no-progress', 'no progress bar'),
  ).action((pipeline: string, opts: RunOptions) => execute('run', pipeline, opts, io));

  addGlobalOptions(
    program
      .command('apply')
      .description(
        'apply exactly a saved plan; refuses, writing nothing, when the pipeline file or the planned target records changed',
      )
      .argument('<plan>', 'plan file from sluice plan --out')
      .option('--json', 'print the run report as JSON')
      .option('--force', "break another run's lease on this pipeline (audited)")
      .option(
        '--lease-ttl <duration>',
        'how long the lease lasts without renewal: 90s, 5m, PT5M or milliseconds (default: SLUICE_LEASE_TTL, else 5m)',
      )
      .option('--no-progress', 'no progress bar'),
  ).action((plan: string, opts: RunOptions) => execute('apply', plan, opts, io));
}
