import { describe, expect, it } from 'vitest';
import { applyLookback, compareCursor, durationMs } from '../plan/cursor.js';
import { cursorDateMs, incrementalDiagnostics, lookbackMs } from './incremental.js';
import { YamlFile } from './yaml-file.js';

function check(incremental: string): { code: string; line: number; col: number; message: string }[] {
  const file = new YamlFile('p.yaml', `source:\n  incremental:\n${incremental}`);
  expect(file.ok).toBe(true);
  const data = file.toJS() as { source: { incremental: unknown } };
  return incrementalDiagnostics(file, data.source.incremental);
}

const ACCEPTED_DATES = [
  '2024-01-31',
  '2024-02-29',
  '2024-01-31T10:00',
  '2024-01-31T10:00:00',
  '2024-01-31 10:00:00',
  '2024-01-31T10:00:00.5',
  '2024-01-31T10:00:00.123456',
  '2024-01-31T10:00:00Z',
  '2024-01-31T10:00:00.000Z',
  '2024-01-31T10:00:00+02:00',
  '2024-01-31T10:00:00-0530',
  '2024-01-31T23:59:59Z',
];

describe('source.incremental.initial', () => {
  it('accepts ISO-8601 dates and date-times, and each one is a cursor the lookback moves', () => {
    for (const value of ACCEPTED_DATES) {
      expect(check(`    field: f\n    initial: "${value}"\n`), value).toEqual([]);
      expect(cursorDateMs(value), value).toBeTypeOf('number');
      // what validation accepts, cursor.ts can parse: the lookback moves it back by at least the hour
      const moved = applyLookback(value, 'PT1H');
      expect(moved, value).not.toBe(value);
      expect(cursorDateMs(moved)! <= cursorDateMs(value)! - 3_600_000, `${value} -> ${moved}`).toBe(true);
    }
  });

  it('accepts integers for numeric cursors, and they compare as numbers', () => {
    for (const value of ['0', '1000', '-5', '9007199254740991']) {
      expect(check(`    field: JdtNum\n    initial: "${value}"\n`), value).toEqual([]);
    }
    expect(compareCursor('1000', '999')).toBeGreaterThan(0);
  });

  it('refuses anything else at the value, saying which forms are accepted', () => {
    const refused = [
      'yesterday',
      'now',
      '2024-1-31',
      '31.01.2024',
      '2024-01-31T10',
      '2024-01-31Z',
      '2024-01-31t10:00:00',
      '1.5',
      '1e3',
      '+5',
      '',
      ' 2024-01-31',
    ];
    for (const value of refused) {
      const ds = check(`    field: f\n    initial: "${value}"\n`);
      expect(ds, value).toHaveLength(1);
      expect(ds[0], value).toMatchObject({ code: 'INCREMENTAL_INITIAL_INVALID', line: 4, col: 14 });
      expect(ds[0]?.message, value).toContain('ISO-8601 date (2024-01-31)');
      expect(ds[0]?.message, value).toContain('an integer');
    }
  });

  it('refuses dates that do not exist on the calendar and times out of range', () => {
    for (const value of [
      '2023-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-00-10',
      '2024-01-31T24:00:00',
      '2024-01-31T10:60',
      '2024-01-31T10:00:60Z',
      '2024-01-31T10:00:00+24:00',
    ]) {
      const ds = check(`    field: f\n    initial: "${value}"\n`);
      expect(
        ds.map((d) => d.code),
        value,
      ).toEqual(['INCREMENTAL_INITIAL_INVALID']);
      expect(ds[0]?.message, value).toContain('not a valid calendar date or time');
    }
  });

  it('asks for a YAML number to be quoted, and refuses integers that lose digits as numbers', () => {
    const number = check('    field: JdtNum\n    initial: 1000\n');
    expect(number).toMatchObject([{ code: 'INCREMENTAL_INITIAL_INVALID', line: 4, col: 14 }]);
    expect(number[0]?.message).toContain('initial: "1000"');
    expect(check('    field: JdtNum\n    initial: 1.5\n')[0]?.message).toContain('ISO-8601');
    expect(check('    field: JdtNum\n    initial: "9007199254740993"\n')[0]?.message).toContain('2^53');
  });

  it('refuses an initial value that the lookback would move before the year 0000', () => {
    expect(check('    field: f\n    lookback: P30D\n    initial: "0000-01-10"\n')).toMatchObject([
      { code: 'INCREMENTAL_INITIAL_INVALID', line: 5 },
    ]);
    expect(check('    field: f\n    lookback: P5D\n    initial: "0000-01-10"\n')).toEqual([]);
  });
});

describe('source.incremental.lookback and field', () => {
  it('accepts the durations cursor.ts applies, with the same length', () => {
    for (const value of ['PT2H', 'P1D', 'P1DT30M', 'PT90S', 'PT0S', 'P36500D']) {
      expect(check(`    field: f\n    lookback: ${value}\n`), value).toEqual([]);
      expect(lookbackMs(value), value).toBe(durationMs(value));
    }
  });

  it('refuses other durations and lookbacks too long to apply, at the value', () => {
    for (const value of ['2h', 'P', 'PT', 'P1DT', 'P1W', 'P1M', 'P1Y', 'PT1.5H', 'pt2h', '-PT2H']) {
      const ds = check(`    field: f\n    lookback: "${value}"\n`);
      expect(ds, value).toMatchObject([{ code: 'INCREMENTAL_LOOKBACK_INVALID', line: 4, col: 15 }]);
      expect(ds[0]?.message, value).toContain('PT2H');
    }
    const long = check('    field: f\n    lookback: P99999999999D\n    initial: "2024-01-01"\n');
    expect(long.map((d) => d.code)).toEqual(['INCREMENTAL_LOOKBACK_INVALID']);
    expect(long[0]?.message).toContain('P36500D');
    // this is what the run would have hit: a date the cursor code cannot print
    expect(() => applyLookback('2024-01-01', 'P99999999999D')).toThrow(RangeError);
  });

  it('refuses an empty cursor field', () => {
    expect(check('    field: "  "\n')).toMatchObject([{ code: 'INCREMENTAL_FIELD_EMPTY', line: 3, col: 12 }]);
  });
});
