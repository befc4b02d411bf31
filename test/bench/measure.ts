/**
 * Runs one measured command as its own child process: wall time from the parent's clock, peak RSS
 * and CPU time of the child from GNU time (`/usr/bin/time -o`) or, without it, from the child's own
 * `process.resourceUsage()` (rusage-hook.ts). The child's stdout and stderr go to files, never into
 * the parent's memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shebangFlags } from '../helpers/cli.js';
import type { RssMethod } from './args.js';

const TIME = '/usr/bin/time';
const HOOK = new URL('./rusage-hook.js', import.meta.url).href;

/** Directory of the repository (this file is dist/test/bench/measure.js). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SLUICE_BIN = join(REPO, 'bin', 'sluice.js');

/** The node flags of the CLI's shebang. */
export function cliNodeFlags(): string[] {
  return shebangFlags(SLUICE_BIN);
}

/** `node <shebang flags> bin/sluice.js ...args`, as the installed CLI runs. */
export function sluiceArgv(...args: string[]): string[] {
  return [...cliNodeFlags(), SLUICE_BIN, ...args];
}

export function resolveRssMethod(requested: RssMethod): 'time' | 'hook' {
  if (requested !== 'auto') return requested;
  if (!existsSync(TIME)) return 'hook';
  // GNU time takes -f/-o; a BSD or busybox one may not.
  const probe = spawnSync(TIME, ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? 'time' : 'hook';
}

export interface Measured {
  wallMs: number;
  /** User + system CPU time of the child. */
  cpuMs: number | undefined;
  maxRssMb: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdoutFile: string;
  stderrFile: string;
}

export interface MeasureContext {
  method: 'time' | 'hook';
  /** Where the child's output and usage files go. */
  scratch: string;
}

let seq = 0;

/** Parses `%M %U %S` (KB, seconds, seconds) from the last line GNU time wrote. */
export function parseTimeOutput(text: string): { maxRssKb: number; cpuMs: number } | undefined {
  const last = text.trim().split('\n').pop() ?? '';
  const [rss, user, sys] = last.trim().split(/\s+/).map(Number);
  if (rss === undefined || user === undefined || sys === undefined || [rss, user, sys].some((n) => !Number.isFinite(n)))
    return undefined;
  return { maxRssKb: rss, cpuMs: (user + sys) * 1000 };
}

function readUsage(method: 'time' | 'hook', file: string): { maxRssMb?: number; cpuMs?: number } {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (method === 'time') {
    const u = parseTimeOutput(text);
    return u ? { maxRssMb: u.maxRssKb / 1024, cpuMs: u.cpuMs } : {};
  }
  const u = JSON.parse(text) as { maxRssKb: number; userUs: number; sysUs: number };
  return { maxRssMb: u.maxRssKb / 1024, cpuMs: (u.userUs + u.sysUs) / 1000 };
}

/** Runs `node ...nodeArgv` in `cwd` and measures it. */
export async function measure(
  ctx: MeasureContext,
  nodeArgv: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Measured> {
  const n = ++seq;
  const stdoutFile = join(ctx.scratch, `child-${n}.out`);
  const stderrFile = join(ctx.scratch, `child-${n}.err`);
  const usageFile = join(ctx.scratch, `child-${n}.usage`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.SLUICE_STATE_URL;
  delete env.SLUICE_CONNECTIONS;
  const [command, args] =
    ctx.method === 'time'
      ? [TIME, ['-f', '%M %U %S', '-o', usageFile, process.execPath, ...nodeArgv]]
      : [process.execPath, ['--import', HOOK, ...nodeArgv]];
  if (ctx.method === 'hook') env.SLUICE_BENCH_RUSAGE = usageFile;
  const out = openSync(stdoutFile, 'w');
  const err = openSync(stderrFile, 'w');
  try {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', out, err] });
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (c, s) => resolve({ code: c, signal: s }));
      },
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const usage = readUsage(ctx.method, usageFile);
    return { wallMs, cpuMs: usage.cpuMs, maxRssMb: usage.maxRssMb, code, signal, stdoutFile, stderrFile };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/** The child's exit code was not the expected one: the error names the command and its stderr's end. */
export function checkExit(what: string, m: Measured, expected = 0): void {
  if (m.code === expected) return;
  const stderr = readFileSync(m.stderrFile, 'utf8').slice(-1500);
  const stdout = readFileSync(m.stdoutFile, 'utf8').slice(0, 1500);
  throw new Error(`${what}: exit ${m.code ?? m.signal} (expected ${expected})\n${stderr}${stdout}`);
}
