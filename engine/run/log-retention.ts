/**
 * How long the integration log keeps a pipeline's rows: `SLUICE_LOG_RETENTION` (a duration such as
 * `400d`, `P90D`, or milliseconds), default 400 days. A run that applied prunes its pipeline's older
 * rows; a failure to prune is logged and changes nothing else.
 */
import { ConfigError, describeError } from '../errors.js';
import { parseDurationMs } from '../runtime/duration.js';
import { logPrune } from '../state/log.js';
import type { Ctx } from './context.js';

export const DEFAULT_LOG_RETENTION_MS = 400 * 86_400_000;

export function logRetentionMs(env: NodeJS.ProcessEnv): number {
  const raw = env.SLUICE_LOG_RETENTION;
  if (raw === undefined || raw.trim() === '') return DEFAULT_LOG_RETENTION_MS;
  const ms = parseDurationMs(raw);
  if (ms === undefined || ms <= 0)
    throw new ConfigError(
      'LOG_RETENTION_INVALID',
      `SLUICE_LOG_RETENTION is "${raw}": give a positive duration such as 400d, P90D or milliseconds`,
    );
  return ms;
}

export async function pruneLog(ctx: Ctx): Promise<void> {
  const retention = logRetentionMs(ctx.opts.env ?? process.env);
  const before = new Date(ctx.clock.now() - retention).toISOString();
  try {
    const n = await logPrune(ctx.state.knex, ctx.pipeline.spec.name, before);
    if (n > 0) ctx.logger.debug({ removed: n, before }, 'pruned the integration log');
  } catch (err) {
    ctx.logger.warn({ err: describeError(err) }, 'pruning the integration log failed; the next run tries again');
  }
}
