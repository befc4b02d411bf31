/**
 * Test support: the real v1 `$metadata` from the shared reference (parsed once per process and
 * cached), and a checker of entity payloads against it (property names and value types).
 * The file is vendored byte for byte in `test/fixtures/specs/sap-b1/` (see its README for
 * provenance and licence); `SLUICE_SAP_B1_METADATA` overrides the path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMetadata, type ParsedMetadata } from './extract.js';
import type { EdmStructuredType } from './types.js';

export const REFERENCE_METADATA_PATH =
  process.env.SLUICE_SAP_B1_METADATA ??
  fileURLToPath(new URL('../../../../test/fixtures/specs/sap-b1/metadata-v1.xml', import.meta.url));

let cached: ParsedMetadata | undefined;

export function referenceMetadata(): ParsedMetadata {
  if (!cached) {
    if (!existsSync(REFERENCE_METADATA_PATH)) {
      throw new Error(`reference $metadata not found at ${REFERENCE_METADATA_PATH} (set SLUICE_SAP_B1_METADATA)`);
    }
    cached = parseMetadata(readFileSync(REFERENCE_METADATA_PATH, 'utf8'));
  }
  return cached;
}

const DATE_V1 = /^\d{4}-\d{2}-\d{2}$/;
const DATE_V2 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE_IN = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

export type PayloadDirection = 'v1-response' | 'v2-response' | 'request';

function checkValue(
  md: ParsedMetadata,
  type: string,
  value: unknown,
  where: string,
  dir: PayloadDirection,
  out: string[],
): void {
  if (value === null) return;
  const coll = /^Collection\((.+)\)$/.exec(type);
  if (coll) {
    if (!Array.isArray(value)) out.push(`${where}: expected an array for ${type}`);
    else value.forEach((v, i) => checkValue(md, coll[1] as string, v, `${where}[${i}]`, dir, out));
    return;
  }
  const bad = (): void => {
    out.push(`${where}: ${JSON.stringify(value)} is not a valid ${type}`);
  };
  if (type.startsWith('SAPB1.')) {
    const name = type.slice(6);
    const en = md.enums.get(name);
    if (en) {
      if (typeof value !== 'string' || !(value in en || (dir === 'request' && Object.values(en).includes(value))))
        bad();
      return;
    }
    const complex = md.complexTypes.get(name);
    if (complex) {
      if (typeof value !== 'object' || Array.isArray(value)) bad();
      else out.push(...checkAgainst(md, complex, name, value as Record<string, unknown>, dir, where));
      return;
    }
    out.push(`${where}: unknown type ${type}`);
    return;
  }
  switch (type) {
    case 'Edm.String':
      if (typeof value !== 'string') bad();
      return;
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Int64':
      if (!Number.isInteger(value)) bad();
      return;
    case 'Edm.Double':
    case 'Edm.Decimal':
      if (typeof value !== 'number') bad();
      return;
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') bad();
      return;
    case 'Edm.Time':
      if (typeof value !== 'string' || !TIME.test(value)) bad();
      return;
    case 'Edm.DateTime': {
      const re = dir === 'v1-response' ? DATE_V1 : dir === 'v2-response' ? DATE_V2 : DATE_IN;
      if (typeof value !== 'string' || !re.test(value)) bad();
      return;
    }
    default:
      out.push(`${where}: unhandled type ${type}`);
  }
}

function checkAgainst(
  md: ParsedMetadata,
  t: EdmStructuredType,
  typeName: string,
  payload: Record<string, unknown>,
  dir: PayloadDirection,
  where: string,
): string[] {
  const out: string[] = [];
  for (const [prop, value] of Object.entries(payload)) {
    if (prop.startsWith('odata.') || prop.startsWith('@odata.')) continue;
    const type = t.properties[prop];
    if (type === undefined) {
      out.push(`${where}.${prop}: not a property of ${typeName}`);
      continue;
    }
    checkValue(md, type, value, `${where}.${prop}`, dir, out);
  }
  return out;
}

/** Problems of an entity payload against the real metadata's entity (or complex) type; empty when it fits. */
export function payloadProblems(typeName: string, payload: Record<string, unknown>, dir: PayloadDirection): string[] {
  const md = referenceMetadata();
  const t = md.entityTypes.get(typeName) ?? md.complexTypes.get(typeName);
  if (!t) return [`no type ${typeName} in the metadata`];
  return checkAgainst(md, t, typeName, payload, dir, typeName);
}

/** The entity type an entity set holds, per the real metadata. */
export function referenceTypeOf(entitySet: string): string {
  const t = referenceMetadata().entitySets.get(entitySet);
  if (!t) throw new Error(`no entity set ${entitySet} in the metadata`);
  return t;
}
