/**
 * Resource paths below /b1s/vN/: `Set`, `Set/$count`, `Set(key)`, `Set(Key=key)`, `Set(key)/Action`.
 * String keys are quoted with `''` escaping, integer keys bare.
 */
import { isEntitySetName, type EntitySetName } from './edm/model.js';
import { ENTITY_SETS } from './entity-sets.js';
import { faults } from './errors.js';

export interface ResourcePath {
  set: EntitySetName;
  key?: string | number;
  /** `$count` or a bound action name. */
  tail?: string;
}

export function parseKey(raw: string, set: EntitySetName): string | number {
  const def = ENTITY_SETS[set];
  const named = new RegExp(`^${def.key}=(.*)$`).exec(raw);
  const text = named ? (named[1] as string) : raw;
  if (def.keyType === 'int') {
    if (!/^-?\d+$/.test(text)) throw faults.badRequest(`Invalid key '${raw}' for ${set}`);
    return Number(text);
  }
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (!quoted) throw faults.badRequest(`Invalid key '${raw}' for ${set}`);
  return (quoted[1] as string).replace(/''/g, "'");
}

export function parseResourcePath(path: string): ResourcePath {
  const m = /^([A-Za-z]\w*)(?:\((.*)\))?(?:\/([$\w]+))?$/.exec(path);
  if (!m) throw faults.noResource(path);
  const [, name = '', rawKey, tail] = m;
  if (!isEntitySetName(name)) throw faults.noResource(name);
  const out: ResourcePath = { set: name };
  if (rawKey !== undefined) out.key = parseKey(rawKey, name);
  if (tail !== undefined) out.tail = tail;
  return out;
}

/** The key as written in a URL (Location header). */
export function formatKey(key: unknown): string {
  return typeof key === 'number' ? String(key) : `'${String(key).replace(/'/g, "''")}'`;
}
