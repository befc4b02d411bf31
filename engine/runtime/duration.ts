/**
 * Durations as people write them in flags and environment variables: `90s`, `5m`, `1h`, `1d`,
 * `250ms`, ISO-8601 (`PT5M`, `P1DT2H`), or plain milliseconds (`300000`). Years and months are not
 * accepted (their length varies).
 */
import { ConfigError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/i;
const PLAIN = /^\d+(?:\.\d+)?$/;
const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Milliseconds of `text`, or undefined when it is not a duration in one of the accepted forms. */
export function parseDurationMs(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const s = text.trim();
  if (PLAIN.test(s)) return Number(s);
  const short = SHORT.exec(s);
  if (short) return Number(short[1]) * UNIT_MS[short[2]!.toLowerCase() as Unit];
  const iso = ISO.exec(s);
  // "P" and "PT" alone match the pattern but name no duration.
  if (iso && iso.slice(1).some((g) => g !== undefined)) {
    const [d, h, m, sec] = iso.slice(1).map((g) => Number(g ?? 0)) as [number, number, number, number];
    return d * UNIT_MS.d + h * UNIT_MS.h + m * UNIT_MS.m + sec * UNIT_MS.s;
  }
  return undefined;
}

/** A lease shorter than this would expire between two renewals (renewed every third of it, at most once a second). */
export const MIN_LEASE_TTL_MS = 3000;

const LEASE_TTL_FORMS = '90s, 5m, 1h, an ISO-8601 duration such as PT5M, or plain milliseconds such as 300000';

/**
 * The lease TTL given by `--lease-ttl` or SLUICE_LEASE_TTL, in whole milliseconds. Refuses what is
 * not a duration, zero, negative and too short a TTL with LEASE_TTL_INVALID naming the accepted forms.
 */
export function parseLeaseTtl(value: string | number, source = 'lease TTL'): number {
  const ms = parseDurationMs(value);
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  if (ms === undefined)
    throw new ConfigError('LEASE_TTL_INVALID', `${source} ${shown} is not a duration: use ${LEASE_TTL_FORMS}`);
  if (ms <= 0)
    throw new ConfigError('LEASE_TTL_INVALID', `${source} ${shown} must be longer than zero: use ${LEASE_TTL_FORMS}`);
  if (ms < MIN_LEASE_TTL_MS)
    throw new ConfigError(
      'LEASE_TTL_INVALID',
      `${source} ${shown} is shorter than ${MIN_LEASE_TTL_MS / 1000}s: the lease is renewed every third of its TTL, at most once a second, so it would lapse between renewals`,
    );
  return Math.round(ms);
}
