/** `sluice attention list|resync` and `sluice runs`: what could not be synced, and why; run history. */
import type { Command } from 'commander';
import type { AttentionStatus } from '../../engine/state/attention.js';
import type { StateStore, StateStoreOptions } from '../../engine/state/store.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';
import { formatRuns } from './format-runs.js';

async function openStore(options: StateStoreOptions): Promise<StateStore> {
  const { openStateStore } = await import('../../engine/state/store.js');
  return openStateStore(options);
}

export function attentionCommands(program: Command, io: CliIo): void {
  const attention = program.command('attention').description('records that could not be synced, with their reasons');
  addGlobalOptions(
    attention
      .command('list')
      .description('list attention entries (open and marked for re-sync by default)')
      .argument('[pipeline]', 'pipeline name')
      .option('--all', 'include resolved entries')
      .option('--json', 'JSON output'),
  ).action(async (pipeline: string | undefined, opts: GlobalOptions & { all?: boolean; json?: boolean }) => {
    const state = await openStore({ ...(opts.state && { url: opts.state }) });
    try {
      const statuses: AttentionStatus[] | undefined = opts.all ? undefined : ['open', 'resync'];
      const entries = await state.attentionList({ ...(pipeline && { pipeline }), ...(statuses && { statuses }) });
      if (opts.json) write(io.stdout, JSON.stringify(entries, null, 2) + '\n');
      else if (entries.length === 0) write(io.stdout, 'nothing needs attention\n');
      else {
        for (const e of entries) {
          write(
            io.stdout,
            `${e.pipeline}  ${e.sourceKey}${e.dedupeKey && e.dedupeKey !== e.sourceKey ? ` (key ${e.dedupeKey})` : ''}  ${e.status}  ${e.stage}/${e.code}  x${e.occurrences}  last ${e.lastSeen}\n    ${e.message}\n`,
          );
        }
        write(
          io.stdout,
          `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}; re-sync with: sluice attention resync <pipeline> [source keys...]\n`,
        );
      }
    } finally {
      await state.close();
    }
  });
  addGlobalOptions(
    attention
      .command('resync')
      .description('mark open entries for re-sync: the next run processes their stored records again')
      .argument('<pipeline>', 'pipeline name')
      .argument('[keys...]', 'source keys (default: every open entry of the pipeline)'),
  ).action(async (pipeline: string, keys: string[], opts: GlobalOptions) => {
    const state = await openStore({ ...(opts.state && { url: opts.state }) });
    try {
      const n = await state.attentionMarkResync(pipeline, keys.length > 0 ? keys : undefined);
      write(
        io.stdout,
        `${n} entr${n === 1 ? 'y' : 'ies'} marked for re-sync; they are processed on the next sluice run of ${pipeline}\n`,
      );
    } finally {
      await state.close();
    }
  });

  addGlobalOptions(
    program
      .command('runs')
      .description(
        'recent runs with their status (running, succeeded, attention, failed, interrupted, abandoned) and exit code',
      )
      .argument('[pipeline]', 'pipeline name')
      .option('--limit <n>', 'how many', '20')
      .option('--json', 'JSON output'),
  ).action(async (pipeline: string | undefined, opts: GlobalOptions & { limit: string; json?: boolean }) => {
    const state = await openStore({ ...(opts.state && { url: opts.state }) });
    try {
      const runs = await state.runList(pipeline, Number(opts.limit));
      write(io.stdout, opts.json ? JSON.stringify(runs, null, 2) + '\n' : formatRuns(runs));
    } finally {
      await state.close();
    }
  });
}
