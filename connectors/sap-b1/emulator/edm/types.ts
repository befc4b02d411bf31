/**
 * The slice of the Service Layer's entity data model the emulator knows: the entity sets it serves,
 * their entity types, every complex type and enum those reference. `model.json` beside this file is
 * extracted from the real v1 `$metadata` (see extract.ts; a test keeps it equal to the source).
 */

export interface EdmStructuredType {
  /** Property name → EDM type as written in $metadata: `Edm.String`, `SAPB1.BoYesNoEnum`, `Collection(SAPB1.X)`. */
  properties: Record<string, string>;
  /** Properties marked `Writable="false"` (silently ignored on POST/PATCH, as the Service Layer does). */
  readOnly: string[];
  /** `DefaultValue` of properties that have one, as written in $metadata (an enum's stored value, `0`). */
  defaults?: Record<string, string>;
}

export interface EdmEntityType extends EdmStructuredType {
  key: string[];
}

export interface EdmModel {
  /** Where the model came from. */
  source: string;
  /** Entity set name → entity type name (without the `SAPB1.` namespace). */
  entitySets: Record<string, string>;
  entityTypes: Record<string, EdmEntityType>;
  complexTypes: Record<string, EdmStructuredType>;
  /** Enum name → member name → stored value. */
  enums: Record<string, Record<string, string>>;
}

/** Kinds of a property type, resolved against the model. */
export type EdmTypeRef =
  | { kind: 'primitive'; name: string; collection: boolean }
  | { kind: 'enum'; name: string; collection: boolean }
  | { kind: 'complex'; name: string; collection: boolean }
  | { kind: 'unknown'; name: string; collection: boolean };

export function resolveTypeRef(model: EdmModel, type: string): EdmTypeRef {
  const m = /^Collection\((.+)\)$/.exec(type);
  const collection = m !== null;
  const inner = m?.[1] ?? type;
  if (inner.startsWith('Edm.')) return { kind: 'primitive', name: inner, collection };
  const name = inner.replace(/^SAPB1\./, '');
  if (model.enums[name]) return { kind: 'enum', name, collection };
  if (model.complexTypes[name]) return { kind: 'complex', name, collection };
  return { kind: 'unknown', name, collection };
}
