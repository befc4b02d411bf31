/**
 * Runs the built CLI (`bin/sluice.js`) as a subprocess, the way cron, CI and Kubernetes run it: with
 * the node flags of its shebang, as the installed command runs (and so with its code cache, which V8
 * takes only under those flags).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SLUICE = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

/** The node flags of a script's shebang (`#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20`). */
export function shebangFlags(script: string): string[] {
  const shebang = readFileSync(script, 'utf8').split('\n')[0] ?? '';
  return shebang.split(/\s+/).filter((a) => a.startsWith('--'));
}

/** The node flags of the CLI's shebang, for tests run from the sources (the compiled benchmark finds bin/ itself). */
export function cliNodeFlags(): string[] {
  return shebangFlags(SLUICE);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Node flags instead of the shebang's. */
  nodeFlags?: string[];
}

export function startCli(args: string[], options: CliOptions): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? cliNodeFlags()), SLUICE, ...args], {
    cwd: options.cwd,
    env: { ...process.env, SLUICE_STATE_URL: '', SLUICE_CONNECTIONS: '', ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function cli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).done;
}
