/**
 * Parses a Service Layer `$metadata` document (EDMX 1.0, as served by /b1s/v1) and extracts the part
 * of the model the emulator needs. Used by tests (to check model.json and payloads against the real
 * metadata) and to regenerate model.json; the emulator itself only reads model.json at run time.
 */
import { XMLParser } from 'fast-xml-parser';
import type { EdmEntityType, EdmModel, EdmStructuredType } from './types.js';

interface XmlProperty {
  Name: string;
  Type: string;
  Writable?: string;
  DefaultValue?: string;
}
interface XmlStructured {
  Name: string;
  Property?: XmlProperty[];
  Key?: { PropertyRef?: { Name: string }[] };
}
interface XmlEnum {
  Name: string;
  Member?: { Name: string; Value: string }[];
}
interface XmlEntitySet {
  Name: string;
  EntityType: string;
}

/** Everything in the document, by name. */
export interface ParsedMetadata {
  entitySets: Map<string, string>;
  entityTypes: Map<string, EdmEntityType>;
  complexTypes: Map<string, EdmStructuredType>;
  enums: Map<string, Record<string, string>>;
}

const ARRAY_TAGS = new Set([
  'Schema',
  'EntityType',
  'ComplexType',
  'EnumType',
  'Member',
  'Property',
  'NavigationProperty',
  'PropertyRef',
  'EntitySet',
  'FunctionImport',
  'Parameter',
  'Association',
  'AssociationSet',
  'End',
]);

function structured(x: XmlStructured): EdmStructuredType {
  const properties: Record<string, string> = {};
  const readOnly: string[] = [];
  const defaults: Record<string, string> = {};
  for (const p of x.Property ?? []) {
    properties[p.Name] = p.Type;
    if (p.Writable === 'false') readOnly.push(p.Name);
    if (p.DefaultValue !== undefined) defaults[p.Name] = String(p.DefaultValue);
  }
  return { properties, readOnly, ...(Object.keys(defaults).length > 0 && { defaults }) };
}

export function parseMetadata(xml: string): ParsedMetadata {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ARRAY_TAGS.has(name),
  });
  const doc = parser.parse(xml) as Record<string, Record<string, { Schema: Record<string, unknown>[] }>>;
  const schemas = doc['edmx:Edmx']?.['edmx:DataServices']?.Schema ?? [];
  const out: ParsedMetadata = {
    entitySets: new Map(),
    entityTypes: new Map(),
    complexTypes: new Map(),
    enums: new Map(),
  };
  for (const schema of schemas) {
    for (const e of (schema.EnumType as XmlEnum[] | undefined) ?? []) {
      out.enums.set(e.Name, Object.fromEntries((e.Member ?? []).map((m) => [m.Name, String(m.Value)])));
    }
    for (const c of (schema.ComplexType as XmlStructured[] | undefined) ?? [])
      out.complexTypes.set(c.Name, structured(c));
    for (const t of (schema.EntityType as XmlStructured[] | undefined) ?? []) {
      out.entityTypes.set(t.Name, { key: (t.Key?.PropertyRef ?? []).map((r) => r.Name), ...structured(t) });
    }
    const container = schema.EntityContainer as { EntitySet?: XmlEntitySet[] } | undefined;
    for (const s of container?.EntitySet ?? []) out.entitySets.set(s.Name, s.EntityType.replace(/^SAPB1\./, ''));
  }
  return out;
}

/** User-defined fields (`U_*`) belong to one company database, not to the Service Layer. */
function withoutUdfs<T extends EdmStructuredType>(t: T): T {
  const kept = (n: string): boolean => !n.startsWith('U_');
  const properties = Object.fromEntries(Object.entries(t.properties).filter(([n]) => kept(n)));
  const { defaults: all, ...rest } = t;
  const defaults = Object.fromEntries(Object.entries(all ?? {}).filter(([n]) => kept(n)));
  return {
    ...rest,
    properties,
    readOnly: t.readOnly.filter(kept),
    ...(Object.keys(defaults).length > 0 && { defaults }),
  } as T;
}

function referenced(type: string): string | undefined {
  const m = /^(?:Collection\()?SAPB1\.(\w+)\)?$/.exec(type);
  return m?.[1];
}

/** The entity sets' types, the closure of complex types they reference, and the enums used. */
export function extractModel(parsed: ParsedMetadata, entitySets: readonly string[], source: string): EdmModel {
  const model: EdmModel = { source, entitySets: {}, entityTypes: {}, complexTypes: {}, enums: {} };
  const pending: EdmStructuredType[] = [];
  for (const set of [...entitySets].sort()) {
    const typeName = parsed.entitySets.get(set);
    const type = typeName === undefined ? undefined : parsed.entityTypes.get(typeName);
    if (typeName === undefined || type === undefined) throw new Error(`entity set ${set} is not in the metadata`);
    model.entitySets[set] = typeName;
    if (!model.entityTypes[typeName]) {
      model.entityTypes[typeName] = withoutUdfs(type);
      pending.push(model.entityTypes[typeName]);
    }
  }
  while (pending.length > 0) {
    const t = pending.pop() as EdmStructuredType;
    for (const propType of Object.values(t.properties)) {
      const name = referenced(propType);
      if (name === undefined) continue;
      const complex = parsed.complexTypes.get(name);
      const en = parsed.enums.get(name);
      if (complex && !model.complexTypes[name]) {
        model.complexTypes[name] = withoutUdfs(complex);
        pending.push(model.complexTypes[name]);
      } else if (en && !model.enums[name]) {
        model.enums[name] = en;
      }
    }
  }
  model.complexTypes = sortKeys(model.complexTypes);
  model.enums = sortKeys(model.enums);
  model.entityTypes = sortKeys(model.entityTypes);
  return model;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
