/**
 * v3 record shaping: `CustomN` / `OrgUnitN` objects ({Type, Value, Code, ListItemID}) flattened to
 * `CustomNCode` / `CustomNValue`, empty (null) fields dropped, zone-less v3 dates read as UTC and
 * written as ISO-8601 with `Z`.
 */
type Json = Record<string, unknown>;

const CUSTOM_FIELD = /^(Custom|OrgUnit)\d+$/;
const V3_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/;

/** `2025-02-12T15:02:00` -> `2025-02-12T15:02:00.000Z`; values with a zone or not dates pass through. */
export function v3DateToIso(value: unknown): unknown {
  if (typeof value !== 'string' || !V3_DATE.test(value)) return value;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** An ISO instant as the v3 filter format `yyyy-MM-ddTHH:mm:ss.SSS` (UTC, no zone). */
export function isoToV3Filter(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().slice(0, 23);
}

export function flattenV3(record: Json, dateFields: readonly string[] = []): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined) continue;
    if (CUSTOM_FIELD.test(key) && typeof value === 'object' && !Array.isArray(value)) {
      const f = value as Json;
      if (f.Code !== undefined && f.Code !== null && f.Code !== '') out[`${key}Code`] = f.Code;
      if (f.Value !== undefined && f.Value !== null && f.Value !== '') out[`${key}Value`] = f.Value;
      continue;
    }
    out[key] = dateFields.includes(key) ? v3DateToIso(value) : value;
  }
  return out;
}
