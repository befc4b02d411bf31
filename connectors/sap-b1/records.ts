/**
 * Entities as the connector hands them on: annotations (`odata.*`, `@odata.*`) removed and v2
 * DateTimeOffset dates (`2024-01-31T00:00:00Z`) written as v1 does (`2024-01-31`), so a pipeline
 * sees the same record from either protocol version and compares it with what it writes.
 */
import type { DataRecord } from '../../engine/connector/types.js';

const MIDNIGHT = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?$/;

function normalizeValue(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = MIDNIGHT.exec(value);
    return m ? m[1] : value;
  }
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value !== null && typeof value === 'object') return normalizeRecord(value as DataRecord);
  return value;
}

export function normalizeRecord(entity: DataRecord): DataRecord {
  const out: DataRecord = {};
  for (const [k, v] of Object.entries(entity)) {
    if (k.startsWith('odata.') || k.startsWith('@odata.')) continue;
    out[k] = normalizeValue(v);
  }
  return out;
}

/** The entity's ETag annotation (v1 `odata.etag`, v2 `@odata.etag`), if any. */
export function etagOf(entity: DataRecord): string | undefined {
  const v = entity['@odata.etag'] ?? entity['odata.etag'];
  return typeof v === 'string' ? v : undefined;
}
