/** `sluice log [pipeline] [--key K] [--run R]`: the integration log of a record, or what a run changed. */
import type { Command } from 'commander';
import { addGlobalOptions, parseNumber, write, type CliIo, type GlobalOptions } from './common.js';
import { formatLog } from './format-attention.js';
import { withState } from './ops-common.js';

interface LogOptions extends GlobalOptions {
  key?: string;
  run?: string;
  all?: boolean;
  limit: string;
  json?: boolean;
}

export function logCommand(program: Command, io: CliIo): void {
  addGlobalOptions(
    program
      .command('log')
      .description(
        'the integration log: every attempt on a record (operation, outcome, field changes, target id, payload hash, run, trigger); with --run, what that run changed',
      )
      .argument('[pipeline]', 'pipeline file or name (optional with --run)')
      .option('--key <key>', 'a source key or dedupe key: that record’s history, newest first')
      .option('--run <id>', 'one run (see sluice runs): what it changed, in order')
      .option('--all', 'with --run: every attempt, also those that changed nothing (parked, failed, locked)')
      .option('--limit <n>', 'at most this many rows', '1000')
      .option('--json', 'JSON output'),
  ).action((pipeline: string | undefined, opts: LogOptions) =>
    withState('log', opts, io, async (state) => {
      const { queryLog } = await import('../../engine/ops/log.js');
      const answer = await queryLog(state, {
        ...(pipeline !== undefined && { pipeline }),
        ...(opts.key !== undefined && { key: opts.key }),
        ...(opts.run !== undefined && { run: opts.run }),
        changedOnly: opts.all !== true,
        limit: parseNumber(opts.limit, '--limit'),
      });
      const empty =
        opts.run !== undefined
          ? `run ${opts.run} changed nothing${opts.all ? '' : ' (every attempt: --all)'}`
          : opts.key !== undefined
            ? `no attempts logged for ${opts.key}`
            : 'nothing logged';
      write(
        io.stdout,
        opts.json ? JSON.stringify(answer, null, 2) + '\n' : formatLog(answer.entries, answer.truncated, empty),
      );
    }),
  );
}
