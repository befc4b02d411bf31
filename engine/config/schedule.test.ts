import { describe, expect, it } from 'vitest';
import { formatInZone, nextRuns, isValidTimeZone } from './schedule.js';

describe('schedule times', () => {
  it('are printed in the pipeline time zone with offset and UTC, across a DST change', () => {
    const from = new Date('2026-03-27T12:00:00Z');
    const runs = nextRuns({ cron: '0 6 * * *', timezone: 'Europe/Berlin' }, 3, from);
    expect(runs.map((d) => formatInZone(d, 'Europe/Berlin'))).toEqual([
      '2026-03-28 06:00 Europe/Berlin (+01:00, 05:00Z)',
      '2026-03-29 06:00 Europe/Berlin (+02:00, 04:00Z)',
      '2026-03-30 06:00 Europe/Berlin (+02:00, 04:00Z)',
    ]);
  });

  it('UTC by default', () => {
    expect(formatInZone(new Date('2026-12-02T23:30:00Z'))).toBe('2026-12-02 23:30 UTC (+00:00, 23:30Z)');
  });
});

describe('isValidTimeZone', () => {
  it('accepts canonical zones and the aliases the runtime knows, and refuses the rest', () => {
    for (const tz of ['Europe/Berlin', 'America/Chicago', 'Asia/Kolkata', 'UTC', 'Etc/UTC', 'US/Eastern', 'GMT'])
      expect(isValidTimeZone(tz), tz).toBe(true);
    // the same answer as a DateTimeFormat, also for a name in another case
    expect(isValidTimeZone('europe/berlin')).toBe(true);
    for (const tz of ['Mars/Olympus_Mons', 'Europe/Berlin ', '', 'CET+1']) expect(isValidTimeZone(tz), tz).toBe(false);
  });
});
