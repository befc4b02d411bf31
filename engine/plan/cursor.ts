/**
 * Incremental cursors: the largest cursor-field value among the records a run handled, compared as
 * numbers when both sides are numeric and as strings otherwise (ISO timestamps sort as strings), and
 * moved back by the pipeline's lookback before the next read.
 */
export function compareCursor(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxCursor(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareCursor(a, b) >= 0 ? a : b;
}

export function cursorValue(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v instanceof Date) return v.toISOString();
  return undefined;
}

/** Milliseconds of an ISO-8601 duration of days/hours/minutes/seconds (PT2H, P1DT30M). */
export function durationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) throw new Error(`invalid ISO-8601 duration "${iso}"`);
  const [, d, h, min, s] = m;
  return (((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}

const DATE_LIKE = /^(\d{4}-\d{2}-\d{2})([T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Applies a lookback to a cursor. Date cursors keep their shape (zone-less stays zone-less, as
 * Concur's v3 dates are); numeric and other cursors are returned unchanged.
 */
export function applyLookback(cursor: string, lookback: string | undefined): string {
  if (!lookback) return cursor;
  const m = DATE_LIKE.exec(cursor);
  if (!m) return cursor;
  const zone = m[8];
  const parsed = Date.parse(zone ? cursor.replace(' ', 'T') : `${cursor.replace(' ', 'T')}${m[2] ? '' : 'T00:00:00'}Z`);
  if (Number.isNaN(parsed)) return cursor;
  // Expressed in the cursor's own offset, so it still compares as text with the source's values.
  const offsetMin = zone && zone !== 'Z' ? zoneMinutes(zone) : 0;
  const iso = new Date(parsed - durationMs(lookback) + offsetMin * 60_000).toISOString(); // 2024-01-02T03:04:05.678Z
  if (!m[2]) return iso.slice(0, 10);
  let out = iso.slice(0, 19);
  if (m[7])
    out += `.${iso
      .slice(20, 23)
      .padEnd(m[7].length - 1, '0')
      .slice(0, m[7].length - 1)}`;
  if (m[2].startsWith(' ')) out = out.replace('T', ' ');
  if (zone) out += zone;
  return out;
}

function zoneMinutes(zone: string): number {
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!z) return 0;
  return (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
}
