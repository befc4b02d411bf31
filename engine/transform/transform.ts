/**
 * The per-record transform: one compiled JSONata expression, evaluated once per source record with
 * `$lookup(name, key)` bound to the run's cached lookup tables and the functions of the pipeline's
 * libraries bound by name. Returns the target records (none to skip the record); any failure is a
 * RecordError that sends the record to attention.
 */
import { jsonata, type JsonataExpression } from './jsonata-lib.js';
import type { DataRecord } from '../connector/types.js';
import { RecordError } from '../errors.js';
import { parseErrorTag } from './error-tag.js';
import { bindLibraries, jsonataErrorMessage, type JsonataProgram, type LookupFn } from './library.js';

export interface LookupTable {
  get(key: string): DataRecord | undefined;
  readonly size: number;
  /** Every entry (lets a transform thread hold a copy of the table); absent: the table stays on the main thread. */
  entries?(): IterableIterator<[string, DataRecord]>;
}

/** A lookup table held as a Map (the run's tables, and their copies in transform threads). */
export class MapLookup implements LookupTable {
  constructor(private readonly map: Map<string, DataRecord>) {}
  get(key: string): DataRecord | undefined {
    return this.map.get(key);
  }
  get size(): number {
    return this.map.size;
  }
  entries(): IterableIterator<[string, DataRecord]> {
    return this.map.entries();
  }
}

/** `$lookup(name, key)` over a run's lookup tables (JSONata's own `$lookup(object, key)` is replaced). */
export function lookupBinding(lookups: ReadonlyMap<string, LookupTable>): LookupFn {
  return (name: string, key: unknown): DataRecord | undefined => {
    const table = lookups.get(name);
    if (!table) {
      const known = [...lookups.keys()];
      throw new Error(
        `$lookup: no lookup named "${name}" in this pipeline (it defines: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    if (key === undefined || key === null) return undefined;
    return table.get(String(key));
  };
}

export class Transform {
  private readonly expr: JsonataExpression;
  private readonly bindings: Record<string, unknown>;

  /** An inline expression; `functions` are bound by name beside `$lookup` (see Transform.create). */
  constructor(
    expression: string,
    lookups: ReadonlyMap<string, LookupTable> = new Map(),
    functions: Record<string, unknown> = {},
  ) {
    this.expr = jsonata(expression);
    this.bindings = { ...functions, lookup: lookupBinding(lookups) };
  }

  /** The transform of a pipeline: its libraries evaluated once, with the same lookups as the transform. */
  static async create(program: JsonataProgram, lookups: ReadonlyMap<string, LookupTable>): Promise<Transform> {
    const functions = await bindLibraries(program.libraries, lookupBinding(lookups));
    return new Transform(program.transform, lookups, functions);
  }

  async apply(record: DataRecord): Promise<DataRecord[]> {
    return shapeOutput(await this.evaluate(record));
  }

  /** Transformer.start on the main thread: nothing is evaluated before the result is asked for. */
  start(records: readonly DataRecord[]): { result(): Promise<TransformOutcome[]> } {
    return { result: () => this.applyMany(records) };
  }

  /** Each record's outputs, or why it failed, in record order. */
  async applyMany(records: readonly DataRecord[]): Promise<TransformOutcome[]> {
    const out: TransformOutcome[] = [];
    for (const record of records) {
      try {
        out.push({ ok: true, outputs: await this.apply(record) });
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    return out;
  }

  /** The expression's raw value for one record; a failure is a RecordError (see shapeOutput for the rest). */
  async evaluate(record: DataRecord): Promise<unknown> {
    try {
      return await this.expr.evaluate(record, this.bindings);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      // $error("...") raises D3137; its message is the consultant's own reason, shown as is
      // (a leading `[class]` or `[class CODE]` tag sets the attention entry's reason class and code).
      if (e.code === 'D3137') {
        const tag = parseErrorTag(e.message ?? 'error');
        throw new RecordError(tag.code ?? 'TRANSFORM_FAILED', tag.message, {
          // JSONata's own error, with the message as shown (the tag is not part of it)
          cause: tag.message === e.message ? err : { ...(err as object), message: tag.message },
          ...(tag.reasonClass && { reasonClass: tag.reasonClass }),
        });
      }
      throw new RecordError('TRANSFORM_FAILED', jsonataErrorMessage(err), { cause: err });
    }
  }
}

/** One record's transform: its target records, or the error that sends it to attention. */
export type TransformOutcome = { ok: true; outputs: DataRecord[] } | { ok: false; error: unknown };

/** The target records of a transform's value: none, one object, or an array of objects; anything else is refused. */
export function shapeOutput(out: unknown): DataRecord[] {
  if (out === undefined || out === null) return [];
  const list = Array.isArray(out) ? out : [out];
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new RecordError(
        'TRANSFORM_SHAPE',
        `the transform must return an object (or an array of objects, or nothing); it returned ${JSON.stringify(item)?.slice(0, 80)}`,
      );
    }
  }
  return list as DataRecord[];
}
