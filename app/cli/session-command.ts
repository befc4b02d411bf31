/**
 * What `sluice plan`, `run` and `apply` do (run.ts defines the commands): one session, three
 * commands. Imported when one of them runs, with the engine's run path behind it.
 */
import { formatDiagnostics } from '../../engine/config/diagnostics.js';
import {
  EXIT,
  InvalidPipelineError,
  runSession,
  type Command as SessionCommand,
  type SessionResult,
} from '../../engine/run/session.js';
import { formatReport } from '../../engine/run/report.js';
import { ConfigError, InterruptedError, asSluiceError } from '../../engine/errors.js';
import { loggerFor, parseNumber, write, type CliIo, type GlobalOptions } from './common.js';
import { formatPlan } from './print-plan.js';
import { splitRoutedKey } from '../../engine/transform/routed-key.js';
import { progressHooks } from './progress.js';
import { parseLeaseTtl } from '../../engine/runtime/duration.js';
import { parseThreads } from '../../engine/run/threads.js';
import { systemClock } from '../../engine/runtime/clock.js';
import { alertsAfterRun } from '../../engine/alerts/after-run.js';

export interface RunOptions extends GlobalOptions {
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
  threads?: string;
  /** `run --trigger`: `schedule` when a CronJob (or another scheduler) started it. */
  trigger?: 'manual' | 'schedule';
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

export async function execute(command: SessionCommand, target: string, opts: RunOptions, io: CliIo): Promise<void> {
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
      registry: await io.registry(),
      logger,
      force: opts.force === true,
      allowEmptySource: opts.allowEmptySource === true,
      ...(opts.maxDeletePercent !== undefined && {
        maxDeletePercent: parseNumber(opts.maxDeletePercent, '--max-delete-percent'),
      }),
      ...(leaseTtl(opts) !== undefined && { leaseTtlMs: leaseTtl(opts) }),
      resync: opts.resync !== false,
      full: opts.full === true,
      ...(opts.threads !== undefined && { threads: parseThreads(opts.threads, '--threads') }),
      ...(command === 'run' && opts.trigger === 'schedule' && { trigger: 'schedule' as const }),
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
            // A routed pipeline: each operation names its target connection (its key is `connection/key`).
            operations: result.report.plan?.connections
              ? result.ops.map((op) => ({ ...op, connection: splitRoutedKey(op.key)?.connection }))
              : result.ops,
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
