import { describe, expect, it } from 'vitest';
import { evaluate, median, medianOf, minimumListCalls, ratio } from './stats.js';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([7])).toBe(7);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  it('refuses no values; medianOf answers undefined and ignores missing ones', () => {
    expect(() => median([])).toThrow(/no values/);
    expect(medianOf([])).toBeUndefined();
    expect(medianOf([undefined, 4, undefined, 2])).toBe(3);
  });
});

describe('ratio', () => {
  it('divides, and is undefined without both sides or for a zero divisor', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(3, undefined)).toBeUndefined();
    expect(ratio(3, 0)).toBeUndefined();
  });
});

describe('evaluate', () => {
  it('checks upper and lower bounds inclusively', () => {
    expect(evaluate(0.3, { op: '<=', limit: 0.3 })).toBe('pass');
    expect(evaluate(0.31, { op: '<=', limit: 0.3 })).toBe('fail');
    expect(evaluate(0.8, { op: '>=', limit: 0.8 })).toBe('pass');
    expect(evaluate(0.79, { op: '>=', limit: 0.8 })).toBe('fail');
  });
  it('checks an exact count', () => {
    expect(evaluate(202, { op: '==', limit: 202 })).toBe('pass');
    expect(evaluate(203, { op: '==', limit: 202 })).toBe('fail');
  });
  it('is n/a without a target or a value', () => {
    expect(evaluate(1, undefined)).toBe('n/a');
    expect(evaluate(undefined, { op: '<=', limit: 1 })).toBe('n/a');
  });
});

describe('minimumListCalls', () => {
  it('is the list look-up, the pages of the list and one bulk call per 250 of each kind', () => {
    // 20k items, 37 renames and 5 deactivations: 1 + 200 pages + 1 PATCH
    expect(minimumListCalls({ itemsBefore: 20_000, creates: 0, changes: 42 })).toBe(202);
    // an empty list loaded with 20k items: 1 + 1 page + 80 POSTs
    expect(minimumListCalls({ itemsBefore: 0, creates: 20_000, changes: 0 })).toBe(82);
    // nothing changed: the reads only
    expect(minimumListCalls({ itemsBefore: 20_001, creates: 0, changes: 0 })).toBe(1 + 201);
    expect(minimumListCalls({ itemsBefore: 100, creates: 251, changes: 500 })).toBe(1 + 1 + 2 + 2);
  });
});
