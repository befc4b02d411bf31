/**
 * How many threads evaluate a run's transform beside the main thread: `--threads`, else
 * SLUICE_THREADS, else `auto` — one fewer than the CPUs this process may use, at most 3 (none on one
 * CPU). `sluice test` uses none. A container limited by a CPU quota rather than by CPUs should set it.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../errors.js';
import type { Ctx } from './context.js';

const MAX_AUTO = 3;

/** `n` (0 and up) or `auto`; anything else is refused, naming where it came from. */
export function parseThreads(raw: string, from: string): number | 'auto' {
  const text = raw.trim();
  if (text === 'auto') return 'auto';
  if (/^\d+$/.test(text) && Number(text) <= 64) return Number(text);
  throw new ConfigError('THREADS_INVALID', `${from} must be a whole number from 0 to 64, or auto; got "${raw}"`);
}

export function resolveThreads(value: number | 'auto', cpus = availableParallelism()): number {
  return value === 'auto' ? Math.max(0, Math.min(MAX_AUTO, cpus - 1)) : value;
}

export function transformThreads(ctx: Pick<Ctx, 'opts' | 'command'>): number {
  if (ctx.opts.threads !== undefined) return resolveThreads(ctx.opts.threads);
  const env = (ctx.opts.env ?? process.env).SLUICE_THREADS;
  if (env !== undefined && env !== '') return resolveThreads(parseThreads(env, 'SLUICE_THREADS'));
  return resolveThreads('auto');
}
