/**
 * Converts entity payloads between the wire and the emulator's stored form, driven by the model:
 * unknown properties and wrongly typed values are rejected (400 -1000), read-only properties are
 * ignored, enums are stored by member name (input accepts the name or the stored value), dates are
 * stored as `YYYY-MM-DD` and written per protocol version (v1 `2024-01-31`, v2 `2024-01-31T00:00:00Z`).
 */
import { faults } from '../errors.js';
import { edmModel } from './model.js';
import { resolveTypeRef, type EdmModel, type EdmStructuredType, type EdmTypeRef } from './types.js';

export type Entity = Record<string, unknown>;
export type ProtocolVersion = 'v1' | 'v2';

export interface DecodeOptions {
  /** Keep read-only properties (fixtures and the emulator's own business rules set them). */
  keepReadOnly?: boolean;
}

function typeOf(model: EdmModel, typeName: string): EdmStructuredType {
  const t = model.entityTypes[typeName] ?? model.complexTypes[typeName];
  if (!t) throw new Error(`model has no type ${typeName}`);
  return t;
}

/** Normalises any accepted date form (`2024-01-31`, `20240131`, `2024-01-31T..`) to `YYYY-MM-DD`. */
export function normalizeDate(value: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return undefined;
}

/** Enum input by member name or stored value → member name; undefined when neither. */
export function enumMemberName(model: EdmModel, enumName: string, value: unknown): string | undefined {
  const members = model.enums[enumName] ?? {};
  if (typeof value === 'string' && value in members) return value;
  const text = typeof value === 'number' ? String(value) : value;
  return Object.entries(members).find(([, stored]) => stored === text)?.[0];
}

function invalid(prop: string, typeName: string): Error {
  return faults.badRequest(`Property '${prop}' of '${typeName}' is invalid`);
}

function decodeScalar(
  model: EdmModel,
  ref: EdmTypeRef,
  value: unknown,
  prop: string,
  owner: string,
  opts: DecodeOptions,
): unknown {
  if (value === null) return null;
  switch (ref.kind) {
    case 'enum': {
      const name = enumMemberName(model, ref.name, value);
      if (name === undefined)
        throw faults.badRequest(`Enumeration value '${String(value)}' of property '${prop}' of '${owner}' is invalid`);
      return name;
    }
    case 'complex':
      if (typeof value !== 'object' || Array.isArray(value)) throw invalid(prop, owner);
      return decodeEntity(ref.name, value as Entity, opts);
    case 'unknown':
      return value;
    case 'primitive':
      return decodePrimitive(ref.name, value, prop, owner);
  }
}

function decodePrimitive(edm: string, value: unknown, prop: string, owner: string): unknown {
  switch (edm) {
    case 'Edm.String':
      if (typeof value !== 'string') throw invalid(prop, owner);
      return value;
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Int64':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(prop, owner);
      return value;
    case 'Edm.Double':
    case 'Edm.Decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(prop, owner);
      return value;
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset': {
      const date = typeof value === 'string' ? normalizeDate(value) : undefined;
      if (date === undefined) throw invalid(prop, owner);
      return date;
    }
    case 'Edm.Time':
    case 'Edm.TimeOfDay': {
      const m = typeof value === 'string' ? /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value) : null;
      if (!m) throw invalid(prop, owner);
      return `${m[1]}:${m[2]}:${m[3] ?? '00'}`;
    }
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') throw invalid(prop, owner);
      return value;
    default:
      return value;
  }
}

/** Wire payload → stored form. Throws a 400 ServiceLayerFault for anything the Service Layer would reject. */
export function decodeEntity(typeName: string, input: Entity, opts: DecodeOptions = {}): Entity {
  const model = edmModel();
  const type = typeOf(model, typeName);
  const out: Entity = {};
  for (const [prop, value] of Object.entries(input)) {
    if (prop.startsWith('odata.') || prop.startsWith('@odata.')) continue;
    const edm = type.properties[prop];
    if (edm === undefined) throw invalid(prop, typeName);
    if (!opts.keepReadOnly && type.readOnly.includes(prop)) continue;
    const ref = resolveTypeRef(model, edm);
    if (ref.collection) {
      if (value === null) continue;
      if (!Array.isArray(value)) throw invalid(prop, typeName);
      out[prop] = value.map((item: unknown) =>
        decodeScalar(model, { ...ref, collection: false }, item, prop, typeName, opts),
      );
    } else {
      out[prop] = decodeScalar(model, ref, value, prop, typeName, opts);
    }
  }
  return out;
}

/** A property's `DefaultValue` from $metadata in stored form (enum member name, number), or null. */
export function defaultValue(model: EdmModel, type: EdmStructuredType, prop: string): unknown {
  const raw = type.defaults?.[prop];
  const edm = type.properties[prop];
  if (raw === undefined || edm === undefined) return null;
  const ref = resolveTypeRef(model, edm);
  if (ref.collection) return null;
  if (ref.kind === 'enum') return enumMemberName(model, ref.name, raw) ?? null;
  if (ref.kind !== 'primitive') return null;
  switch (ref.name) {
    case 'Edm.String':
      return raw;
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Int64':
    case 'Edm.Double':
    case 'Edm.Decimal':
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : null;
    case 'Edm.Boolean':
      return raw === 'true' ? true : raw === 'false' ? false : null;
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset':
      return normalizeDate(raw) ?? null;
    default:
      return null;
  }
}

function encodeValue(model: EdmModel, ref: EdmTypeRef, value: unknown, version: ProtocolVersion): unknown {
  if (value === null || value === undefined) return null;
  if (ref.kind === 'complex' && typeof value === 'object') return encodeEntity(ref.name, value as Entity, version);
  if (
    ref.kind === 'primitive' &&
    (ref.name === 'Edm.DateTime' || ref.name === 'Edm.DateTimeOffset') &&
    typeof value === 'string'
  ) {
    return version === 'v2' ? `${value}T00:00:00Z` : value;
  }
  return value;
}

/**
 * Stored form → wire payload: every property of the type in metadata order (unset ones as their
 * $metadata `DefaultValue`, e.g. `tNO` or `0`, else null; collections as arrays), or only `select`ed ones.
 */
export function encodeEntity(
  typeName: string,
  entity: Entity,
  version: ProtocolVersion,
  select?: readonly string[],
): Entity {
  const model = edmModel();
  const type = typeOf(model, typeName);
  const out: Entity = {};
  for (const [prop, edm] of Object.entries(type.properties)) {
    if (select && !select.includes(prop)) continue;
    const ref = resolveTypeRef(model, edm);
    const value = entity[prop] ?? defaultValue(model, type, prop);
    if (ref.collection) {
      const items = Array.isArray(value) ? value : [];
      out[prop] = items.map((item: unknown) => encodeValue(model, { ...ref, collection: false }, item, version));
    } else {
      out[prop] = encodeValue(model, ref, value, version);
    }
  }
  return out;
}

/** A property's value as the Service Layer shows it: the stored one, else its $metadata default. */
export function propertyValue(typeName: string, entity: Entity, prop: string): unknown {
  const model = edmModel();
  return entity[prop] ?? defaultValue(model, typeOf(model, typeName), prop);
}

/** The model's EDM type of a property of an entity type, for $filter and $orderby. */
export function propertyType(typeName: string, prop: string): EdmTypeRef | undefined {
  const model = edmModel();
  const edm = typeOf(model, typeName).properties[prop];
  return edm === undefined ? undefined : resolveTypeRef(model, edm);
}
