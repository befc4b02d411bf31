/**
 * `source.incremental`: values the cursor code (engine/plan/cursor.ts) can actually use. `initial` is
 * compared with record values (as numbers when both are numeric, else as strings, which orders ISO
 * dates) and moved back by `lookback`; a value of another shape (`yesterday`) compares as a string
 * and silently filters out every record, so it is refused here, at its position.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from './diagnostics.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

const PATH = ['source', 'incremental'] as const;
const DAY_MS = 86_400_000;
/** The longest lookback applied: 100 years (P36500D). */
export const MAX_LOOKBACK_DAYS = 36_500;

const DURATION = /^P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;
const INTEGER = /^-?\d+$/;

const FORMS =
  'an ISO-8601 date (2024-01-31), a date-time (2024-01-31T10:00:00, with optional fraction and offset: ' +
  '2024-01-31T10:00:00.000Z, 2024-01-31T10:00:00+02:00) or an integer ("1000", for numeric cursors such as JdtNum)';

/** Milliseconds of a lookback, or undefined when it is not a duration sluice applies (same grammar as the schema). */
export function lookbackMs(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m || value === 'P') return undefined;
  const [, d, h, min, s] = m;
  return (((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch milliseconds of a date or date-time cursor (zone-less read as UTC, as cursor.ts does), or undefined. */
export function cursorDateMs(value: string): number | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, sep, h, mi, s, , zone, zh, zm] = m;
  const year = Number(y);
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > daysInMonth(year, month)) return undefined;
  if (sep !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return undefined;
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return undefined;
  const iso = value.replace(' ', 'T');
  const ms = Date.parse(zone ? iso : `${iso}${sep ? '' : 'T00:00:00'}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Whether a schema error is one that incrementalDiagnostics reports better (same place, clearer message). */
export function isIncrementalSchemaError(error: ErrorObject, value: unknown): boolean {
  const at = error.instancePath;
  if (at === '/source/incremental/lookback') return error.keyword === 'pattern' && typeof value === 'string';
  if (at === '/source/incremental/initial') return error.keyword === 'type' && typeof value === 'number';
  return false;
}

function quote(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

export function incrementalDiagnostics(file: YamlFile, incremental: unknown): Diagnostic[] {
  if (!incremental || typeof incremental !== 'object' || Array.isArray(incremental)) return [];
  const inc = incremental as Record<string, unknown>;
  const out: Diagnostic[] = [];
  const at = (key: string, code: string, message: string): void => {
    const path: YamlPath = [...PATH, key];
    const p = file.locate(path);
    out.push({ file: file.path, line: p.line, col: p.col, code, message, severity: 'error' });
  };
  if (typeof inc.field === 'string' && inc.field.trim() === '') {
    at(
      'field',
      'INCREMENTAL_FIELD_EMPTY',
      'source.incremental.field is empty; name the record field the cursor tracks',
    );
  }
  let back: number | undefined;
  if (typeof inc.lookback === 'string') {
    back = lookbackMs(inc.lookback);
    if (back === undefined) {
      at(
        'lookback',
        'INCREMENTAL_LOOKBACK_INVALID',
        `source.incremental.lookback ${quote(inc.lookback)} is not an ISO-8601 duration of days, hours, minutes and seconds; write e.g. PT2H, P1D or P1DT30M (years, months, weeks and fractions are not accepted)`,
      );
    } else if (back > MAX_LOOKBACK_DAYS * DAY_MS) {
      at(
        'lookback',
        'INCREMENTAL_LOOKBACK_INVALID',
        `source.incremental.lookback ${quote(inc.lookback)} is longer than P${MAX_LOOKBACK_DAYS}D (100 years), the longest lookback sluice applies`,
      );
      back = undefined;
    }
  }
  const initial = inc.initial;
  if (typeof initial === 'number') {
    at(
      'initial',
      'INCREMENTAL_INITIAL_INVALID',
      Number.isSafeInteger(initial)
        ? `source.incremental.initial is a YAML number; quote it (initial: "${initial}") so the cursor keeps its exact digits`
        : `source.incremental.initial ${initial} is not a cursor value sluice can compare; write ${FORMS}`,
    );
  } else if (typeof initial === 'string') {
    if (INTEGER.test(initial)) {
      if (!Number.isSafeInteger(Number(initial))) {
        at(
          'initial',
          'INCREMENTAL_INITIAL_INVALID',
          `source.incremental.initial ${quote(initial)} is beyond ±2^53; numeric cursors compare as numbers and would lose digits`,
        );
      }
    } else {
      const ms = cursorDateMs(initial);
      if (ms === undefined) {
        at(
          'initial',
          'INCREMENTAL_INITIAL_INVALID',
          DATE_TIME.test(initial)
            ? `source.incremental.initial ${quote(initial)} is not a valid calendar date or time`
            : `source.incremental.initial ${quote(initial)} is not a cursor value sluice can compare; write ${FORMS}`,
        );
      } else if (back !== undefined && new Date(ms - back).getUTCFullYear() < 0) {
        at(
          'initial',
          'INCREMENTAL_INITIAL_INVALID',
          `source.incremental.initial ${quote(initial)} minus the lookback falls before the year 0000`,
        );
      }
    }
  }
  return out;
}
