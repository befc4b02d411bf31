import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseDurationMs, parseLeaseTtl } from './duration.js';

/** The error parseLeaseTtl refuses `value` with (failing the test when it accepts it). */
function refusal(value: string | number): ConfigError {
  try {
    parseLeaseTtl(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'LEASE_TTL_INVALID' });
    return err as ConfigError;
  }
  throw new Error(`parseLeaseTtl accepted ${JSON.stringify(value)}`);
}

describe('parseLeaseTtl', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5m', 90_000],
    ['4500ms', 4500],
    [' 10S ', 10_000],
    ['PT5M', 300_000],
    ['pt90s', 90_000],
    ['PT1H30M', 5_400_000],
    ['P1DT2H', 93_600_000],
    ['PT0.5H', 1_800_000],
    ['300000', 300_000],
    [120_000, 120_000],
  ])('parses %j as %i ms', (text, ms) => {
    expect(parseLeaseTtl(text)).toBe(ms);
  });

  it.each(['', 'abc', '5 minutes', '5x', '-5m', '1h30m', 'P', 'PT', 'P1Y', 'P1M', 'PT5M3H', '1e6', 'Infinity', 'NaN'])(
    'refuses %j, naming the accepted forms',
    (text) => {
      const err = refusal(text);
      expect(err.message).toMatch(
        /is not a duration: use 90s, 5m, 1h, an ISO-8601 duration such as PT5M, or plain milliseconds/,
      );
    },
  );

  it.each(['0', '0s', 'PT0S', 0, -1000])('refuses %j as not longer than zero', (value) => {
    expect(refusal(value).message).toContain('must be longer than zero: use 90s, 5m, 1h');
  });

  it('refuses a TTL that would lapse between renewals, and names where the value came from', () => {
    expect(() => parseLeaseTtl('500ms', 'SLUICE_LEASE_TTL')).toThrow(
      /^SLUICE_LEASE_TTL "500ms" is shorter than 3s: the lease is renewed every third/,
    );
    expect(parseLeaseTtl('3s')).toBe(3000);
  });
});

describe('parseDurationMs', () => {
  it('returns undefined for what is not a duration instead of throwing', () => {
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseDurationMs('2h')).toBe(7_200_000);
  });
});
