/**
 * The benchmark pipeline in a directory of its own: file JSON Lines → JSONata (posting-shaped,
 * workload.ts) with an accounts lookup → file JSON Lines, skip-unchanged on (the default, written
 * out), the state store beside it. `in.jsonl` is a symlink, so one directory can be switched between
 * inputs without touching the pipeline file.
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { sluiceArgv } from './measure.js';
import { ACCOUNTS, TRANSFORM } from './workload.js';

export interface FilePipelineDir {
  dir: string;
  pipeline: string;
  stateUrl: string;
  output: string;
}

export function writeAccounts(path: string): void {
  writeFileSync(path, JSON.stringify(ACCOUNTS));
}

export function filePipelineDir(dir: string, input: string): FilePipelineDir {
  writeAccounts(join(dir, 'accounts.json'));
  writeFileSync(join(dir, 'connections.yaml'), stringify({ connections: { files: { connector: 'file' } } }));
  const pipeline = join(dir, 'bench.yaml');
  writeFileSync(
    pipeline,
    stringify({
      version: 1,
      name: 'bench',
      source: {
        connection: 'files',
        resource: 'records',
        options: { path: 'in.jsonl' },
        key: 'ReportID',
        pageSize: 500,
      },
      lookups: {
        accounts: { connection: 'files', resource: 'records', options: { path: 'accounts.json' }, key: 'ExpenseType' },
      },
      transform: TRANSFORM,
      target: {
        connection: 'files',
        resource: 'records',
        options: { path: 'out.jsonl' },
        mode: 'upsert',
        key: 'Reference',
      },
      skip_unchanged: true,
    }),
  );
  useInput(dir, input);
  return { dir, pipeline, stateUrl: `sqlite:${join(dir, 'state.db')}`, output: join(dir, 'out.jsonl') };
}

/** Points the pipeline's `in.jsonl` at another input file. */
export function useInput(dir: string, input: string): void {
  rmSync(join(dir, 'in.jsonl'), { force: true });
  symlinkSync(input, join(dir, 'in.jsonl'));
}

/** `sluice <command> bench.yaml|plan.json --json --no-progress --log-level warn --state ...` */
export function sluiceCommand(p: FilePipelineDir, command: 'run' | 'plan' | 'apply', ...extra: string[]): string[] {
  const subject = command === 'apply' ? join(p.dir, 'plan.json') : p.pipeline;
  const args = [command, subject, '--state', p.stateUrl, '--no-progress', '--log-level', 'warn', ...extra];
  if (command !== 'plan' || !extra.includes('--out')) args.push('--json');
  return sluiceArgv(...args);
}
