/**
 * Durations given on the command line or in the environment: `90s`, `5m`, `1h`, `250ms`, ISO-8601
 * `PT5M`/`P1DT2H`, or plain milliseconds. Zero, negative or unparseable values are refused.
 */
import { ConfigError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(raw: string, name: string): number {
  const v = raw.trim();
  let ms: number | undefined;
  const simple = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v);
  if (simple) ms = Number(simple[1]) * UNITS[simple[2] ?? 'ms']!;
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(v);
  if (!simple && iso && v !== 'P' && v !== 'PT') {
    const [, d, h, m, s] = iso;
    ms = ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new ConfigError(
      'LEASE_TTL_INVALID',
      `${name} "${raw}" is not a positive duration: use e.g. 90s, 5m, 1h, PT5M or a number of milliseconds`,
    );
  }
  return Math.round(ms);
}
