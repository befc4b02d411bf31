/**
 * The per-record transform: one compiled JSONata expression, evaluated once per source record with
 * `$lookup(name, key)` bound to the run's cached lookup tables. Returns the target records (none to
 * skip the record); any failure is a RecordError that sends the record to attention.
 */
import jsonata from 'jsonata';
import type { DataRecord } from '../connector/types.js';
import { RecordError } from '../errors.js';
import { parseErrorTag } from './error-tag.js';

export interface LookupTable {
  get(key: string): DataRecord | undefined;
  readonly size: number;
}

export class Transform {
  private readonly expr: jsonata.Expression;
  private readonly bindings: Record<string, unknown>;

  constructor(expression: string, lookups: ReadonlyMap<string, LookupTable> = new Map()) {
    this.expr = jsonata(expression);
    this.bindings = {
      lookup: (name: string, key: unknown): DataRecord | undefined => {
        const table = lookups.get(name);
        if (!table) throw new Error(`$lookup: no lookup named "${name}"`);
        if (key === undefined || key === null) return undefined;
        return table.get(String(key));
      },
    };
  }

  async apply(record: DataRecord): Promise<DataRecord[]> {
    let out: unknown;
    try {
      out = await this.expr.evaluate(record, this.bindings);
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
      throw new RecordError('TRANSFORM_FAILED', `JSONata ${e.code ?? 'error'}: ${e.message ?? String(err)}`, {
        cause: err,
      });
    }
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
}
