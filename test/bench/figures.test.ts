import { describe, expect, it } from 'vitest';
import { figure, formatTable, formatTarget, formatValue, summary } from './figures.js';

describe('figure', () => {
  it('carries the verdict of its value against its target', () => {
    expect(figure({ id: 'a', label: 'a', value: 0.25, unit: 'x', target: { op: '<=', limit: 0.3 } }).verdict).toBe(
      'pass',
    );
    expect(figure({ id: 'b', label: 'b', value: 250, unit: 'MB', target: { op: '<=', limit: 200 } }).verdict).toBe(
      'fail',
    );
    expect(figure({ id: 'c', label: 'c', value: 12, unit: 'ms' }).verdict).toBe('n/a');
  });
});

describe('formatting', () => {
  it('writes values with their unit, and a dash for a missing one', () => {
    expect(formatValue(0.8123, 'x')).toBe('0.81x');
    expect(formatValue(199.6, 'MB')).toBe('200 MB');
    expect(formatValue(202, 'calls')).toBe('202');
    expect(formatValue(1234.4, 'ms')).toBe('1234 ms');
    expect(formatValue(undefined, 'x')).toBe('—');
    expect(formatTarget({ op: '>=', limit: 0.8 }, 'x')).toBe('>= 0.80x');
    expect(formatTarget(undefined, 'x')).toBe('');
  });

  it('lays the figures out in aligned columns under an underlined header', () => {
    const table = formatTable([
      figure({ id: 'a', label: 'first run / bare loop', value: 0.5, unit: 'x', target: { op: '>=', limit: 0.8 } }),
      figure({ id: 'b', label: 'peak RSS', value: 150, unit: 'MB', target: { op: '<=', limit: 200 }, detail: '1M' }),
      figure({ id: 'c', label: 'bare loop', value: 900, unit: 'ms' }),
    ]);
    expect(table.split('\n')).toEqual([
      'measure                value   target     result  detail',
      '---------------------  ------  ---------  ------  ------',
      'first run / bare loop  0.50x   >= 0.80x   FAIL',
      'peak RSS               150 MB  <= 200 MB  PASS    1M',
      'bare loop              900 ms',
    ]);
  });

  it('counts the targets met among those checked', () => {
    expect(
      summary([
        figure({ id: 'a', label: 'a', value: 1, unit: 'x', target: { op: '<=', limit: 2 } }),
        figure({ id: 'b', label: 'b', value: 3, unit: 'x', target: { op: '<=', limit: 2 } }),
        figure({ id: 'c', label: 'c', value: 3, unit: 'x' }),
      ]),
    ).toBe('1 of 2 targets met');
  });
});
