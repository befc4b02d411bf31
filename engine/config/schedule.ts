/** Schedules: a cron expression in an IANA time zone, parsed with croner (also used to print next runs). */
import { Cron } from 'croner';
import type { Diagnostic } from './diagnostics.js';
import type { Schedule } from './pipeline.generated.js';
import type { YamlFile } from './yaml-file.js';

/** Zones already checked (`validate pipelines/` checks many files). */
const zones = new Map<string, boolean>();
/**
 * The runtime's canonical IANA zones: listing them costs about 1 ms, while the first DateTimeFormat
 * in a time zone costs about 12 ms (the zone data). Aliases (`UTC`, `US/Eastern`) are not listed and
 * are checked with a DateTimeFormat.
 */
let canonical: ReadonlySet<string> | undefined;

export function isValidTimeZone(tz: string): boolean {
  let ok = zones.get(tz);
  if (ok === undefined) {
    canonical ??= new Set(Intl.supportedValuesOf('timeZone'));
    ok = canonical.has(tz) || formatsIn(tz);
    zones.set(tz, ok);
  }
  return ok;
}

function formatsIn(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function nextRuns(schedule: Schedule, count: number, from = new Date()): Date[] {
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone ?? 'UTC', paused: true });
  const out: Date[] = [];
  let cur: Date | null = from;
  for (let i = 0; i < count; i++) {
    cur = cron.nextRun(cur);
    if (!cur) break;
    out.push(cur);
  }
  return out;
}

export function checkSchedule(file: YamlFile, schedule: Schedule): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (path: string[], code: string, message: string): void => {
    const p = file.locate(path);
    out.push({ file: file.path, line: p.line, col: p.col, code, message, severity: 'error' });
  };
  if (schedule.timezone !== undefined && !isValidTimeZone(String(schedule.timezone))) {
    push(
      ['schedule', 'timezone'],
      'SCHEDULE_INVALID',
      `unknown time zone "${schedule.timezone}"; use an IANA name such as America/Chicago`,
    );
  }
  if (schedule.cron.trim().split(/\s+/).length !== 5) {
    push(
      ['schedule', 'cron'],
      'SCHEDULE_INVALID',
      `cron "${schedule.cron}" must have five fields: minute hour day-of-month month day-of-week`,
    );
  } else {
    try {
      new Cron(schedule.cron, { paused: true });
    } catch (err) {
      push(['schedule', 'cron'], 'SCHEDULE_INVALID', `cron "${schedule.cron}" is invalid: ${(err as Error).message}`);
    }
  }
  return out;
}

/** A run time as the pipeline's time zone shows it, with its offset and UTC: `2026-12-07 06:00 Europe/Berlin (+01:00, 05:00Z)`. */
export function formatInZone(d: Date, timeZone = 'UTC'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return `${local} ${timeZone} (${offset}, ${d.toISOString().slice(11, 16)}Z)`;
}
