/**
 * Values in Service Layer JSON bodies against the $metadata types: primitive kinds, enum members,
 * complex types and collections, Nullable, Writable, and the annotations each protocol version uses.
 * - Enums serialise by member name; requests may also send the stored value (fact sheet §1).
 * - Dates: v1 answers `2014-04-01`, v2 a DateTimeOffset `2023-09-25T00:00:00Z`; requests may send a
 *   date or a date-time in either version (fact sheet §1 and the v2 create example of §5.2).
 */
import { METADATA, sapB1Model, typeRef, type EdmStructured } from './metadata.js';

export type Version = 'v1' | 'v2';
export type Direction = 'request' | 'response';

export interface ValueProblem {
  at: string;
  message: string;
  spec: string;
}

export interface BodyContext {
  version: Version;
  direction: Direction;
  /** Properties a `$select` asked for (responses only). */
  select?: Set<string>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const TIME = /^(\d{2}:\d{2}(:\d{2}(\.\d+)?)?|PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)$/;
const INTEGER_TYPES = new Set(['Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Byte', 'Edm.SByte']);
const NUMBER_TYPES = new Set(['Edm.Double', 'Edm.Decimal', 'Edm.Single']);

const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
};

/** Why a primitive or enum value does not fit `type`, or undefined when it does. */
export function scalarProblem(type: string, value: unknown, ctx: BodyContext): string | undefined {
  if (type === 'Edm.String' || type === 'Edm.Guid') return typeof value === 'string' ? undefined : 'a string';
  if (INTEGER_TYPES.has(type)) return Number.isInteger(value) ? undefined : `an integer (${type})`;
  if (NUMBER_TYPES.has(type)) return typeof value === 'number' ? undefined : `a number (${type})`;
  if (type === 'Edm.Boolean') return typeof value === 'boolean' ? undefined : 'true or false';
  if (type === 'Edm.DateTime' || type === 'Edm.DateTimeOffset') {
    if (typeof value !== 'string') return 'a date string';
    if (ctx.direction === 'request')
      return DATE.test(value) || DATE_TIME.test(value) ? undefined : 'a date (YYYY-MM-DD)';
    if (ctx.version === 'v2') return OFFSET.test(value) ? undefined : 'a v2 DateTimeOffset (YYYY-MM-DDThh:mm:ssZ)';
    return DATE.test(value) || DATE_TIME.test(value) ? undefined : 'a v1 date (YYYY-MM-DD)';
  }
  if (type === 'Edm.Time' || type === 'Edm.TimeOfDay')
    return typeof value === 'string' && TIME.test(value) ? undefined : 'a time (hh:mm:ss)';
  const name = type.replace(/^SAPB1\./, '');
  const members = sapB1Model().enums.get(name);
  if (!members) return undefined; // Edm types this model does not use: not judged
  if (typeof value !== 'string') return `a member name of ${name} (${[...members.keys()].join(', ')})`;
  if (members.has(value)) return undefined;
  const values = [...members.values()];
  if (ctx.direction === 'request' && values.includes(value)) return undefined;
  return `a member of ${name}: ${[...members.keys()].join(', ')}${ctx.direction === 'request' ? ` (or ${values.join(', ')})` : ''}`;
}

/** Annotation names: `@odata.x` in v2, `odata.x` in v1; `Prop@odata.x` (a property's) in both. */
export function annotationProblem(key: string, version: Version): string | undefined {
  if (version === 'v1' && key.startsWith('@odata.')) return `"${key}" is a v2 annotation; v1 writes odata.*`;
  if (version === 'v2' && key.startsWith('odata.')) return `"${key}" is a v1 annotation; v2 writes @odata.*`;
  return undefined;
}

export const isAnnotation = (key: string): boolean => key.startsWith('odata.') || key.includes('@odata.');

function structuredProblems(
  type: EdmStructured,
  body: Record<string, unknown>,
  ctx: BodyContext,
  at: string,
  out: ValueProblem[],
  depth: number,
): void {
  const spec = `${METADATA}: ${type.kind} ${type.name}`;
  for (const [key, value] of Object.entries(body)) {
    const path = `${at}/${key}`;
    if (isAnnotation(key)) {
      const wrong = annotationProblem(key, ctx.version);
      if (wrong) out.push({ at: path, message: wrong, spec: 'sap-b1-service-layer.md §1 (annotations)' });
      continue;
    }
    const prop = type.properties.get(key);
    if (!prop) {
      const why = type.navigation.has(key)
        ? 'a navigation property (only with $expand)'
        : `not a property of ${type.name}`;
      out.push({ at: path, message: `is ${why}`, spec });
      continue;
    }
    if (depth === 0 && ctx.select && !ctx.select.has(key))
      out.push({ at: path, message: 'was returned although $select did not ask for it', spec: 'OData $select' });
    if (ctx.direction === 'request' && !prop.writable)
      out.push({ at: path, message: `is read-only (Writable="false"): the Service Layer ignores it`, spec });
    valueProblems(prop.type, value, prop.nullable, ctx, path, out, depth + 1, spec);
  }
}

/** Problems of `value` against an EDM type (primitive, enum, complex, entity, collection). */
export function valueProblems(
  type: string,
  value: unknown,
  nullable: boolean,
  ctx: BodyContext,
  at: string,
  out: ValueProblem[],
  depth = 0,
  spec = METADATA,
): void {
  if (depth > 30 || out.length > 30) return;
  if (value === null) {
    if (!nullable) out.push({ at, message: `is null; ${type} is Nullable="false"`, spec });
    return;
  }
  const ref = typeRef(type);
  if (ref.collection) {
    if (!Array.isArray(value))
      return void out.push({ at, message: `is ${show(value)}, expected a collection of ${ref.name}`, spec });
    value.forEach((v, i) =>
      valueProblems(
        ref.name.startsWith('Edm.') ? ref.name : `SAPB1.${ref.name}`,
        v,
        true,
        ctx,
        `${at}/${i}`,
        out,
        depth + 1,
        spec,
      ),
    );
    return;
  }
  const structured = sapB1Model().types.get(ref.name);
  if (structured && !ref.name.startsWith('Edm.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return void out.push({ at, message: `is ${show(value)}, expected an object of type ${ref.name}`, spec });
    structuredProblems(
      structured,
      value as Record<string, unknown>,
      { ...ctx, select: depth === 0 ? ctx.select : undefined },
      at,
      out,
      depth,
    );
    return;
  }
  const expected = scalarProblem(type, value, ctx);
  if (expected) out.push({ at, message: `is ${show(value)}, expected ${expected}`, spec });
}

/** Problems of an entity (or complex) body of type `typeName` (without namespace). */
export function entityProblems(typeName: string, body: unknown, ctx: BodyContext, at = ''): ValueProblem[] {
  const out: ValueProblem[] = [];
  valueProblems(`SAPB1.${typeName}`, body, false, ctx, at, out);
  return out;
}
