/**
 * Evaluating a target route per record, and the routed dedupe key: in a routed pipeline a record is
 * identified by its connection and its dedupe key together, written `connection/key` (connection
 * names cannot contain `/`, so the first `/` separates them). The ledger, in-doubt settlement,
 * duplicates, mirror deletes and attention entries all use that key, so the same dedupe key in two
 * companies is two records; a pipeline without a route keeps its plain keys.
 */
import { jsonata } from './jsonata-lib.js';
import type { DataRecord } from '../connector/types.js';
import type { ReasonClass } from '../error-codes.js';
import { describeError } from '../errors.js';
import { MAX_KEY_LENGTH, isFieldPath } from './key.js';
import { ROUTE_SEPARATOR, routedKey } from './routed-key.js';

export { routedKey, splitRoutedKey } from './routed-key.js';

export interface RouteDefinition {
  expression: string;
  /** Route value → connection name. */
  connections: ReadonlyMap<string, string>;
  form: 'map' | 'to';
}

export type RouteResult =
  | { ok: true; connection: string }
  | { ok: false; code: 'ROUTE_FAILED' | 'ROUTE_UNMAPPED'; reasonClass: ReasonClass; message: string };

/** Chooses the connection of a target record (the source record is `$source` in the expression). */
export type RouteFn = (target: DataRecord, source: DataRecord) => Promise<RouteResult>;

/** The key's connection with its own dedupe key, or a data failure when the two do not fit the ledger. */
export function routeKey(connection: string, key: string): RouteResult & { key?: string } {
  const k = routedKey(connection, key);
  if (k.length <= MAX_KEY_LENGTH) return { ok: true, connection, key: k };
  return {
    ok: false,
    code: 'ROUTE_FAILED',
    reasonClass: 'data',
    message: `the routed key ${connection}${ROUTE_SEPARATOR}… is ${k.length} characters; at most ${MAX_KEY_LENGTH}`,
  };
}

export function compileRoute(def: RouteDefinition): RouteFn {
  const listed = (): string => [...def.connections.keys()].join(', ');
  const field = isFieldPath(def.expression) ? def.expression.split('.') : undefined;
  const expr = field ? undefined : jsonata(def.expression);
  return async (target, source) => {
    let value: unknown;
    try {
      value = field ? readPath(target, field) : await expr!.evaluate(target, { source });
    } catch (err) {
      return fail(`the route expression (${def.expression}) failed: ${describeError(err)}`);
    }
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
    if (typeof value !== 'string' || value === '') {
      return fail(
        `the route expression (${def.expression}) yields ${value === undefined ? 'nothing' : JSON.stringify(value)} for this record; it must yield one of: ${listed()}`,
      );
    }
    const connection = def.connections.get(value);
    if (connection !== undefined) return { ok: true, connection };
    return {
      ok: false,
      code: 'ROUTE_UNMAPPED',
      reasonClass: 'config',
      message:
        def.form === 'map'
          ? `the route (${def.expression}) yields "${value}", which target.connection.map has no connection for (it maps: ${listed()}); add it to the map (and connections.yaml), then re-sync the record`
          : `the route (${def.expression}) yields "${value}", which is not among target.connection.to (${listed()}); add the connection, then re-sync the record`,
    };
  };
}

function fail(message: string): RouteResult {
  return { ok: false, code: 'ROUTE_FAILED', reasonClass: 'data', message };
}

function readPath(record: DataRecord, parts: string[]): unknown {
  let cur: unknown = record;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
