/** `sluice plan`, `sluice run` and `sluice apply`: one session, three commands (session-command.ts runs them). */
import { Option, type Command } from 'commander';
import type { Command as SessionCommand } from '../../engine/run/session.js';
import { addGlobalOptions, type CliIo } from './common.js';
import type { RunOptions } from './session-command.js';

async function execute(command: SessionCommand, target: string, opts: RunOptions, io: CliIo): Promise<void> {
  const session = await import('./session-command.js');
  await session.execute(command, target, opts, io);
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
      .option(
        '--threads <n>',
        'threads evaluating the transform beside the main thread: 0 for none, or auto (default: SLUICE_THREADS, else auto)',
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
      .option(
        '--threads <n>',
        'threads evaluating the transform beside the main thread: 0 for none, or auto (default: SLUICE_THREADS, else auto)',
      )
      .addOption(
        new Option(
          '--trigger <trigger>',
          'what started the run, as the integration log records it (a CronJob passes schedule)',
        )
          .choices(['manual', 'schedule'])
          .default('manual'),
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
