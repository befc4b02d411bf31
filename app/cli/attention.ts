/** `sluice attention list|show|resolve|resync` and `sluice runs`: what could not be synced, and why; run history. */
import type { Command } from 'commander';
import { REASON_CLASSES, type ReasonClass } from '../../engine/error-codes.js';
import { ConfigError } from '../../engine/errors.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';
import { formatAttentionDetail, formatAttentionList } from './format-attention.js';
import { formatRuns } from './format-runs.js';
import { plural, withState } from './ops-common.js';

// The services load with the command that uses them: `sluice --help` loads none of them.
const attentionOps = () => import('../../engine/ops/attention.js');
const pipelineRef = () => import('../../engine/ops/pipeline-ref.js');
const resyncOps = () => import('../../engine/ops/resync.js');

function classes(list: string | undefined): ReasonClass[] | undefined {
  if (list === undefined) return undefined;
  const out = list.split(',').map((c) => c.trim());
  const bad = out.filter((c) => !(REASON_CLASSES as readonly string[]).includes(c));
  if (bad.length > 0)
    throw new ConfigError(
      'REASON_CLASS_UNKNOWN',
      `--class ${bad.join(',')}: the classes are ${REASON_CLASSES.join(', ')}`,
    );
  return out as ReasonClass[];
}

export function attentionCommands(program: Command, io: CliIo): void {
  const attention = program.command('attention').description('records that could not be synced, with their reasons');
  addGlobalOptions(
    attention
      .command('list')
      .description(
        'list attention entries (open and marked for re-sync by default) with reason class, code and attempts',
      )
      .argument('[pipeline]', 'pipeline file or name')
      .option('--all', 'include resolved entries')
      .option('--class <classes>', `only these reason classes, comma-separated (${REASON_CLASSES.join(', ')})`)
      .option('--json', 'JSON output'),
  ).action((pipeline: string | undefined, opts: GlobalOptions & { all?: boolean; json?: boolean; class?: string }) =>
    withState('attention list', opts, io, async (state) => {
      const cls = classes(opts.class);
      const entries = await (
        await attentionOps()
      ).listAttention(state, {
        ...(pipeline !== undefined && { pipeline }),
        all: opts.all === true,
        ...(cls && { classes: cls }),
      });
      write(io.stdout, opts.json ? JSON.stringify(entries, null, 2) + '\n' : formatAttentionList(entries));
    }),
  );
  addGlobalOptions(
    attention
      .command('show')
      .description('one attention entry with its reason, attempts, runs and the record’s integration log')
      .argument('<id>', 'entry id (from sluice attention list)')
      .option('--json', 'JSON output'),
  ).action((id: string, opts: GlobalOptions & { json?: boolean }) =>
    withState('attention show', opts, io, async (state) => {
      const d = await (await attentionOps()).showAttention(state, id);
      write(io.stdout, opts.json ? JSON.stringify(d, null, 2) + '\n' : formatAttentionDetail(d.entry, d.history));
    }),
  );
  addGlobalOptions(
    attention
      .command('resolve')
      .description(
        'close an entry by hand (the record was fixed in the target, or needs nothing); kept in the audit trail',
      )
      .argument('<id>', 'entry id (from sluice attention list)')
      .requiredOption('--reason <text>', 'why it needs nothing more (kept in the audit trail)')
      .option('--by <name>', 'who resolves it (default: the OS user)'),
  ).action((id: string, opts: GlobalOptions & { reason: string; by?: string }) =>
    withState('attention resolve', opts, io, async (state) => {
      const e = await (
        await attentionOps()
      ).resolveAttention(state, {
        id,
        reason: opts.reason,
        ...(opts.by !== undefined && { by: opts.by }),
      });
      write(
        io.stdout,
        `resolved #${e.id} (${e.pipeline} ${e.sourceKey}, ${e.reasonClass} ${e.code})${e.status === 'resolved' ? '; it was already resolved' : ''}. A run that fails on the record again opens it again\n`,
      );
    }),
  );
  addGlobalOptions(
    attention
      .command('resync')
      .description(
        'the same as sluice resync <pipeline> --key K… (or --failed without keys): the next run processes them again',
      )
      .argument('<pipeline>', 'pipeline file or name')
      .argument('[keys...]', 'source keys (default: every open entry of the pipeline)')
      .option('--by <name>', 'who asks (default: the OS user)'),
  ).action((pipeline: string, keys: string[], opts: GlobalOptions & { by?: string }) =>
    withState('attention resync', opts, io, async (state) => {
      const r = await (
        await resyncOps()
      ).requestResync(state, {
        pipeline,
        ...(keys.length > 0 ? { keys } : { failed: true }),
        ...(opts.by !== undefined && { by: opts.by }),
      });
      write(
        io.stdout,
        `${r.ask.scope === 'key' ? plural(r.ask.keys.length, 'record') : plural(r.covered, 'entry', 'entries')} marked for re-sync; processed on the next sluice run of ${r.pipeline.name}\n`,
      );
    }),
  );

  addGlobalOptions(
    program
      .command('runs')
      .description(
        'recent runs with their status (running, succeeded, attention, failed, interrupted, abandoned) and exit code',
      )
      .argument('[pipeline]', 'pipeline file or name')
      .option('--limit <n>', 'how many', '20')
      .option('--json', 'JSON output'),
  ).action((pipeline: string | undefined, opts: GlobalOptions & { limit: string; json?: boolean }) =>
    withState('runs', opts, io, async (state) => {
      const name =
        pipeline !== undefined ? (await (await pipelineRef()).resolvePipeline(state, pipeline)).name : undefined;
      const runs = await state.runList(name, Number(opts.limit));
      write(io.stdout, opts.json ? JSON.stringify(runs, null, 2) + '\n' : formatRuns(runs));
    }),
  );
}
