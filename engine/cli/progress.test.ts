import { describe, expect, it } from 'vitest';
import { formatEta, progressLine } from './progress.js';

describe('progress', () => {
  it('shows the bar, percentage, counts and ETA when the total is known', () => {
    expect(progressLine('write', 4000, 10_000, 12.4, 'failed 0', 10)).toBe(
      'write [████░░░░░░] 40% 4,000/10,000 ETA 12s | failed 0',
    );
  });

  it('only counts while the total is unknown (reading a source)', () => {
    expect(progressLine('read ', 12_345, 0, NaN, 'create 3')).toBe('read  12,345 records | create 3');
  });

  it('formats an ETA in seconds, minutes or hours, and unknown before a rate is measured', () => {
    expect([formatEta(5), formatEta(185), formatEta(3725), formatEta(Infinity), formatEta(NaN)]).toEqual([
      '5s',
      '3m05s',
      '1h02m',
      '…',
      '…',
    ]);
  });
});
