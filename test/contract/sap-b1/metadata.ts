/**
 * The SAP Business One entity data model, read straight from the vendored v1 $metadata
 * (test/fixtures/specs/sap-b1/metadata-v1.xml) for the contract check: entity sets, entity and
 * complex types with every property (type, Nullable, Writable), navigation properties, enums with
 * member names and stored values, and function imports with their parameters. No public v2
 * $metadata exists (specs/README.md); names are the same in v2 (fact sheet §1), so v2 traffic is
 * checked against this model with v2's value formats.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const METADATA_FILE = fileURLToPath(new URL('../../fixtures/specs/sap-b1/metadata-v1.xml', import.meta.url));
export const METADATA = 'metadata-v1.xml';

export interface EdmProperty {
  name: string;
  /** As written: `Edm.String`, `SAPB1.BoYesNoEnum`, `Collection(SAPB1.JournalEntryLine)`. */
  type: string;
  nullable: boolean;
  writable: boolean;
}

export interface EdmStructured {
  name: string;
  kind: 'EntityType' | 'ComplexType';
  properties: Map<string, EdmProperty>;
  navigation: Set<string>;
  key: string[];
}

export interface EdmFunction {
  name: string;
  bindable: boolean;
  /** Without the binding parameter of a bindable function. */
  parameters: EdmProperty[];
  /** Type name of the binding parameter (`SAPB1.JournalEntry`), for bindable functions. */
  binding?: string;
  returnType?: string;
}

export interface EdmModel {
  entitySets: Map<string, string>;
  types: Map<string, EdmStructured>;
  /** Enum name → member name → stored value. */
  enums: Map<string, Map<string, string>>;
  functions: Map<string, EdmFunction[]>;
}

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  'EnumType',
  'Member',
  'EntityType',
  'ComplexType',
  'Property',
  'NavigationProperty',
  'PropertyRef',
  'EntitySet',
  'FunctionImport',
  'Parameter',
]);

const list = (n: unknown): Node[] => (Array.isArray(n) ? (n as Node[]) : []);
const bare = (type: string): string => type.replace(/^Collection\((.*)\)$/, '$1').replace(/^SAPB1\./, '');

function property(p: Node): EdmProperty {
  return {
    name: String(p.Name),
    type: String(p.Type),
    nullable: p.Nullable !== 'false',
    writable: p.Writable !== 'false',
  };
}

function structured(kind: EdmStructured['kind'], t: Node): EdmStructured {
  const props = list(t.Property).map(property);
  const key = list((t.Key as Node | undefined)?.PropertyRef).map((r) => String(r.Name));
  return {
    name: String(t.Name),
    kind,
    properties: new Map(props.map((p) => [p.name, p])),
    navigation: new Set(list(t.NavigationProperty).map((n) => String(n.Name))),
    key,
  };
}

export function parseMetadata(xml: string): EdmModel {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(xml) as Node;
  const schema = ((doc.Edmx as Node).DataServices as Node).Schema as Node;
  const container = schema.EntityContainer as Node;
  const types = new Map<string, EdmStructured>();
  for (const t of list(schema.EntityType)) types.set(String(t.Name), structured('EntityType', t));
  for (const t of list(schema.ComplexType)) types.set(String(t.Name), structured('ComplexType', t));
  const enums = new Map<string, Map<string, string>>();
  for (const e of list(schema.EnumType))
    enums.set(String(e.Name), new Map(list(e.Member).map((m) => [String(m.Name), String(m.Value)])));
  const functions = new Map<string, EdmFunction[]>();
  for (const f of list(container.FunctionImport)) {
    const params = list(f.Parameter).map(property);
    const bindable = f.IsBindable === 'true';
    const fn: EdmFunction = {
      name: String(f.Name),
      bindable,
      parameters: bindable ? params.slice(1) : params,
      ...(bindable && params[0] && { binding: bare(params[0].type) }),
      ...(f.ReturnType !== undefined && { returnType: String(f.ReturnType) }),
    };
    functions.set(fn.name, [...(functions.get(fn.name) ?? []), fn]);
  }
  const entitySets = new Map(list(container.EntitySet).map((s) => [String(s.Name), bare(String(s.EntityType))]));
  return { entitySets, types, enums, functions };
}

let cached: EdmModel | undefined;

/** The model of the vendored $metadata (parsed once). */
export function sapB1Model(): EdmModel {
  cached ??= parseMetadata(readFileSync(METADATA_FILE, 'utf8'));
  return cached;
}

/** `Collection(SAPB1.X)` → { collection: true, name: 'X' }; `Edm.String` stays `Edm.String`. */
export function typeRef(type: string): { collection: boolean; name: string } {
  const m = /^Collection\((.*)\)$/.exec(type);
  const inner = m ? m[1]! : type;
  return { collection: m !== null, name: inner.startsWith('Edm.') ? inner : inner.replace(/^SAPB1\./, '') };
}
