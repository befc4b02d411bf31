/**
 * A JSON Schema check for the Swagger 2.0 / OpenAPI 3.0 schemas of the vendored Concur specs, written
 * for the contract check alone (it shares nothing with the emulators' validation). One deliberate
 * difference from plain JSON Schema: an object schema that lists `properties` and says nothing about
 * `additionalProperties` is closed, so a property the spec does not define (a misspelt or invented
 * name) is a problem. Other choices, each documented in test/contract/README.md:
 * - Swagger 2.0 cannot say "null"; there `null` is accepted for a property that is not required (the
 *   v3 APIs send null for empty fields). OpenAPI 3 needs `nullable: true`.
 * - readOnly properties are not required in requests, writeOnly ones not in responses.
 */

export type Direction = 'request' | 'response';

export interface SchemaDoc {
  /** File name, for messages (`v3-1/Vendors.swagger2.json`). */
  file: string;
  json: Record<string, unknown>;
  /** Swagger 2.0 (no null type) or OpenAPI 3. */
  swagger2: boolean;
}

export interface SchemaProblem {
  /** JSON pointer into the checked value (`/Vendor/0/VendorCode`), `` for the whole body. */
  at: string;
  message: string;
  /** Where the spec says it: `file#/definitions/Vendor/properties/VendorCode`. */
  spec: string;
}

type Schema = Record<string, unknown>;

const MAX_PROBLEMS = 20;
const UNKNOWN = 'is not a property the spec defines';

export function resolveRef(doc: SchemaDoc, ref: string): { schema: Schema; where: string } {
  if (!ref.startsWith('#/')) throw new Error(`${doc.file}: external $ref ${ref} is not supported`);
  let node: unknown = doc.json;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (node === undefined || node === null || typeof node !== 'object')
    throw new Error(`${doc.file}: $ref ${ref} does not resolve`);
  return { schema: node as Schema, where: ref.slice(1) };
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fits(type: string, v: unknown): boolean {
  const actual = typeOf(v);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

class Walker {
  readonly problems: SchemaProblem[] = [];
  constructor(
    private readonly doc: SchemaDoc,
    private readonly direction: Direction,
  ) {}

  private add(at: string, where: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ at, message, spec: `${this.doc.file}#${where}` });
  }

  /** Properties an object schema defines, through allOf; undefined when it is open. */
  private declared(schema: Schema, where: string): Map<string, { schema: Schema; where: string }> | undefined {
    const out = new Map<string, { schema: Schema; where: string }>();
    let open = false;
    const visit = (s: Schema, w: string, depth: number): void => {
      if (depth > 20) return;
      if (typeof s.$ref === 'string') {
        const r = resolveRef(this.doc, s.$ref);
        return visit(r.schema, r.where, depth + 1);
      }
      const props = s.properties as Record<string, Schema> | undefined;
      for (const [name, p] of Object.entries(props ?? {}))
        out.set(name, { schema: p, where: `${w}/properties/${name}` });
      if (s.additionalProperties !== undefined && s.additionalProperties !== false) open = true;
      if (!props && !s.allOf && s.additionalProperties === undefined) open = true;
      (s.allOf as Schema[] | undefined)?.forEach((b, i) => visit(b, `${w}/allOf/${i}`, depth + 1));
    };
    visit(schema, where, 0);
    return open ? undefined : out;
  }

  check(value: unknown, schema: Schema, where: string, at: string, depth = 0): void {
    if (depth > 60) return;
    if (typeof schema.$ref === 'string') {
      const r = resolveRef(this.doc, schema.$ref);
      return this.check(value, r.schema, r.where, at, depth + 1);
    }
    if (value === null && (schema.nullable === true || schema['x-nullable'] === true)) return;
    for (const [kw, branches] of [
      ['anyOf', schema.anyOf],
      ['oneOf', schema.oneOf],
    ] as const) {
      if (!Array.isArray(branches)) continue;
      const tries = (branches as Schema[]).map((b, i) => {
        const w = new Walker(this.doc, this.direction);
        w.check(value, b, `${where}/${kw}/${i}`, at, depth + 1);
        return w.problems;
      });
      if (!tries.some((p) => p.length === 0)) {
        // Report the branch the value is closest to: one whose type it has, then the one that knows
        // the most of its properties (a missing field is a smaller miss than a wrong shape), then the
        // fewest problems.
        const typed = tries.filter((_, i) => this.typeFits(value, (branches as Schema[])[i]!));
        const unknown = (ps: SchemaProblem[]): number => ps.filter((p) => p.message.startsWith(UNKNOWN)).length;
        const closer = (a: SchemaProblem[], b: SchemaProblem[]): boolean =>
          unknown(b) < unknown(a) || (unknown(b) === unknown(a) && b.length < a.length);
        const best = (typed.length > 0 ? typed : tries).reduce((a, b) => (closer(a, b) ? b : a));
        for (const p of best)
          this.add(p.at, p.spec.slice(p.spec.indexOf('#') + 1), `${p.message} (no ${kw} branch fits)`);
      }
    }
    (schema.allOf as Schema[] | undefined)?.forEach((b, i) =>
      this.checkAllOfBranch(value, b, `${where}/allOf/${i}`, at, depth),
    );
    const type = schema.type as string | string[] | undefined;
    if (type !== undefined) {
      const types = Array.isArray(type) ? type : [type];
      if (!types.some((t) => fits(t, value))) {
        this.add(at, where, `is ${typeOf(value)} ${show(value)}, the spec says ${types.join(' or ')}`);
        return;
      }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
      this.add(at, where, `${show(value)} is not one of the spec's values ${show(schema.enum)}`);
    }
    if (typeof value === 'string') this.checkString(value, schema, where, at);
    if (typeof value === 'number') this.checkNumber(value, schema, where, at);
    if (Array.isArray(value)) this.checkArray(value, schema, where, at, depth);
    else if (value !== null && typeof value === 'object')
      this.checkObject(value as Record<string, unknown>, schema, where, at, depth);
  }

  private typeFits(value: unknown, branch: Schema): boolean {
    const s = typeof branch.$ref === 'string' ? resolveRef(this.doc, branch.$ref).schema : branch;
    const type = s.type as string | string[] | undefined;
    if (type === undefined) return s.properties === undefined || (value !== null && typeof value === 'object');
    return (Array.isArray(type) ? type : [type]).some((t) => fits(t, value));
  }

  /** An allOf branch checks its own keywords, but closedness is judged over all branches (checkObject). */
  private checkAllOfBranch(value: unknown, branch: Schema, where: string, at: string, depth: number): void {
    const resolved = typeof branch.$ref === 'string' ? resolveRef(this.doc, branch.$ref) : { schema: branch, where };
    const open: Schema = { ...resolved.schema };
    where = resolved.where;
    if (open.additionalProperties === undefined) open.additionalProperties = true;
    this.check(value, open, where, at, depth + 1);
  }

  private checkString(value: string, schema: Schema, where: string, at: string): void {
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength)
      this.add(at, where, `is ${[...value].length} characters long, the spec allows ${schema.maxLength}`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength)
      this.add(at, where, `is ${[...value].length} characters long, the spec needs at least ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      this.add(at, where, `${show(value)} does not match the spec's pattern ${schema.pattern}`);
  }

  private checkNumber(value: number, schema: Schema, where: string, at: string): void {
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      this.add(at, where, `${value} is above the spec's maximum ${schema.maximum}`);
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      this.add(at, where, `${value} is below the spec's minimum ${schema.minimum}`);
  }

  private checkArray(value: unknown[], schema: Schema, where: string, at: string, depth: number): void {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      this.add(at, where, `has ${value.length} items, the spec allows ${schema.maxItems}`);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      this.add(at, where, `has ${value.length} items, the spec needs at least ${schema.minItems}`);
    const items = schema.items as Schema | undefined;
    if (items) value.forEach((v, i) => this.check(v, items, `${where}/items`, `${at}/${i}`, depth + 1));
  }

  private checkObject(value: Record<string, unknown>, schema: Schema, where: string, at: string, depth: number): void {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (value[name] !== undefined) continue;
      const p = props[name];
      if (this.direction === 'request' && p?.readOnly === true) continue;
      if (this.direction === 'response' && p?.writeOnly === true) continue;
      this.add(`${at}/${name}`, `${where}/required`, `is missing; the spec requires it`);
    }
    const declared = this.declared(schema, where);
    const extra = schema.additionalProperties;
    for (const [name, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const p = props[name];
      const path = `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (p) {
        if (v === null && this.doc.swagger2 && !((schema.required as string[] | undefined) ?? []).includes(name))
          continue;
        this.check(v, p, `${where}/properties/${name}`, path, depth + 1);
      } else if (extra !== undefined && typeof extra === 'object') {
        this.check(v, extra as Schema, `${where}/additionalProperties`, path, depth + 1);
      } else if (declared && !declared.has(name)) {
        const known = [...declared.keys()];
        const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ...` : known.join(', ') || 'none';
        this.add(path, where, `${UNKNOWN} (it has ${list})`);
      }
    }
  }
}

/** Problems of `value` against `schema` (a schema object inside `doc`, found at `where`). */
export function checkSchema(
  doc: SchemaDoc,
  schema: Record<string, unknown>,
  where: string,
  value: unknown,
  direction: Direction,
): SchemaProblem[] {
  const w = new Walker(doc, direction);
  w.check(value, schema, where, '');
  return w.problems;
}
