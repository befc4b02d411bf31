/** `sluice resync <pipeline> --key K… | --failed | --all [--now]`: sync chosen records again. */
import type { Command } from 'commander';
import { ConfigError } from '../../engine/errors.js';
import { addGlobalOptions, loggerFor, write, type CliIo, type GlobalOptions } from './common.js';
import { formatLogLine } from './format-attention.js';
import { plural, withState } from './ops-common.js';

interface ResyncOptions extends GlobalOptions {
  key?: string[];
  failed?: boolean;
  all?: boolean;
  now?: boolean;
  by?: string;
  json?: boolean;
}

export function resyncCommand(program: Command, io: CliIo): void {
  addGlobalOptions(
    program
      .command('resync')
      .description(
        'sync chosen records again: a target record is updated to match the source, a missing one created, a posted one reported locked (or corrected where the pipeline allows it), never duplicated. Stored for the next run, or run at once with --now',
      )
      .argument('<pipeline>', 'pipeline file or name (--now needs the file)')
      .option('--key <keys...>', 'source keys of the records')
      .option('--failed', 'every record in attention')
      .option('--all', 'every record (the source is read in full; nothing is skipped as unchanged)')
      .option('--now', 'run the pipeline now instead of leaving the request to its next run')
      .option('--by <name>', 'who asks (default: the OS user; kept in the audit trail)')
      .option('--json', 'JSON output'),
  ).action((pipeline: string, opts: ResyncOptions) =>
    withState('resync', opts, io, async (state) => {
      const { requestResync, resyncOutcomes } = await import('../../engine/ops/resync.js');
      const stored = await requestResync(state, {
        pipeline,
        ...(opts.key && { keys: opts.key }),
        failed: opts.failed === true,
        all: opts.all === true,
        ...(opts.by !== undefined && { by: opts.by }),
      });
      const what =
        stored.ask.scope === 'key'
          ? plural(stored.ask.keys.length, 'record')
          : stored.ask.scope === 'failed'
            ? `every record in attention (${stored.covered} now)`
            : 'every record';
      if (!opts.now) {
        if (opts.json) write(io.stdout, JSON.stringify(stored, null, 2) + '\n');
        else
          write(
            io.stdout,
            `re-sync of ${what} of ${stored.pipeline.name} stored; the next sluice run of it processes them (or run now: --now)\n`,
          );
        return;
      }
      if (!stored.pipeline.file)
        throw new ConfigError(
          'RESYNC_NEEDS_FILE',
          `--now runs the pipeline, so it needs the pipeline file, not the name "${pipeline}" (the request is stored; the next run processes it)`,
        );
      const { runSession } = await import('../../engine/run/session.js');
      const { formatReport } = await import('../../engine/run/report.js');
      const result = await runSession({
        command: 'run',
        subject: { kind: 'pipeline-file', path: stored.pipeline.file },
        state,
        ...(opts.connections && { connectionsPath: opts.connections }),
        registry: await io.registry(),
        logger: loggerFor(opts, io),
      });
      const keys = stored.ask.scope === 'key' ? stored.ask.keys : [];
      const outcomes = await resyncOutcomes(state, stored.pipeline.name, result.report.runId, keys);
      if (opts.json) write(io.stdout, JSON.stringify({ report: result.report, records: outcomes }, null, 2) + '\n');
      else {
        write(io.stdout, formatReport(result.report));
        for (const o of outcomes) {
          if (o.attempts.length === 0)
            write(io.stdout, `  ${o.key}: nothing to change (the target already matches the source)\n`);
          for (const a of o.attempts) write(io.stdout, `  ${formatLogLine(a)}\n`);
        }
      }
      io.exitCode = result.exitCode;
    }),
  );
}
