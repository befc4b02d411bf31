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
import { ConfigError, asSluiceError } from '../errors.js';
import { addGlobalOptions, loggerFor, parseNumber, write, type CliIo, type GlobalOptions } from './common.js';
import { formatPlan } from './print-plan.js';
import { progressHooks } from './progress.js';

interface RunOptions extends GlobalOptions {
  out?: string;
  detailedExitcode?: boolean;
  json?: boolean;
  force?: boolean;
  allowEmptySource?: boolean;
  maxDeletePercent?: string;
  resync?: boolean;
  progress?: boolean;
}

async function execute(command: SessionCommand, target: string, opts: RunOptions, io: CliIo): Promise<void> {
  const logger = loggerFor(opts, io);
  const progress = progressHooks(io.stderr, opts.progress !== false && !opts.json);
  let result: SessionResult;
  try {
    result = await runSession({
      command,
      ...(command === 'apply' ? { planPath: target } : { pipelinePath: target }),
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
      resync: opts.resync !== false,
      ...(progress.onPlanProgress && { onPlanProgress: progress.onPlanProgress }),
      ...(progress.onApplyProgress && { onApplyProgress: progress.onApplyProgress }),
    });
  } catch (err) {
    progress.stop();
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
  if (opts.json) {
    write(
      io.stdout,
      JSON.stringify(
        command === 'plan' ? { ...result.report, operations: result.ops, attention: result.attention } : result.report,
        null,
        2,
      ) + '\n',
    );
  } else {
    if (command === 'plan' && result.report.plan)
      write(io.stdout, formatPlan(result.report.pipeline, result.report.plan, result.ops, result.attention));
    if (command === 'plan' && opts.out)
      write(io.stdout, `Saved the plan to ${opts.out}; apply it with: sluice apply ${opts.out}\n`);
    if (command !== 'plan' || result.report.error) write(io.stdout, formatReport(result.report));
  }
  io.exitCode =
    command === 'plan' && result.exitCode === EXIT.changes && !opts.detailedExitcode ? EXIT.ok : result.exitCode;
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
      .option('--no-progress', 'no progress bar'),
  ).action((pipeline: string, opts: RunOptions) => execute('plan', pipeline, opts, io));

  addGlobalOptions(
    program
      .command('run')
      .description('plan and apply in one go; exit 0 all synced, 3 records need attention, 1 failed, 2 invalid input')
      .argument('<pipeline>', 'pipeline file')
      .option('--json', 'print the run report as JSON')
      .option('--force', "break another run's lease on this pipeline (audited)")
      .option('--allow-empty-source', 'let mirror mode delete when the source returns no records')
      .option('--max-delete-percent <n>', 'override target.deletes.maxPercent for this run')
      .option('--no-resync', 'leave records marked for re-sync out')
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
      .option('--no-progress', 'no progress bar'),
  ).action((plan: string, opts: RunOptions) => execute('apply', plan, opts, io));
}
