import { describe, expect, it } from 'vitest';
import { applyLookback, compareCursor, durationMs, maxCursor } from './cursor.js';

describe('cursor', () => {
  it('compares numbers numerically and strings lexically', () => {
    expect(compareCursor('9', '10')).toBeLessThan(0);
    expect(compareCursor('2024-01-02', '2024-01-10')).toBeLessThan(0);
    expect(maxCursor(undefined, '5')).toBe('5');
    expect(maxCursor('100', '99')).toBe('100');
  });

  it('moves date cursors back by the lookback and keeps their shape', () => {
    expect(durationMs('PT2H')).toBe(7_200_000);
    expect(applyLookback('2024-03-01T01:00:00', 'PT2H')).toBe('2024-02-29T23:00:00');
    expect(applyLookback('2024-03-01T01:00:00.000Z', 'PT30M')).toBe('2024-03-01T00:30:00.000Z');
    expect(applyLookback('2024-03-01', 'P1D')).toBe('2024-02-29');
    expect(applyLookback('2024-03-01 10:00:00', 'PT1H')).toBe('2024-03-01 09:00:00');
    expect(applyLookback('12345', 'PT1H')).toBe('12345');
  });

  it('keeps an offset cursor in its own offset, so it still sorts with the source values as text', () => {
    const back = applyLookback('2024-01-31T10:00:00-05:00', 'PT1H');
    expect(back).toBe('2024-01-31T09:00:00-05:00');
    expect(compareCursor(back, '2024-01-31T09:30:00-05:00')).toBeLessThan(0);
    expect(applyLookback('2024-01-31T00:30:00+0530', 'PT1H')).toBe('2024-01-30T23:30:00+0530');
  });

  it('keeps the fraction digits a cursor has, and adds no zone to a zone-less one', () => {
    expect(applyLookback('2024-03-01T09:00:00.123456', 'PT1H')).toBe('2024-03-01T08:00:00.123000');
    expect(applyLookback('2024-03-01T09:00:00.5', 'PT1H')).toBe('2024-03-01T08:00:00.5');
  });
});
