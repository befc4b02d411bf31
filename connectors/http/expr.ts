/**
 * JSONata expressions from resource options (record selection, next link, cursor, ids, bodies),
 * compiled once when the resource is opened; a syntax error names the option it is in.
 */
import { jsonata, type JsonataExpression } from '../../engine/transform/jsonata-lib.js';
import { ConfigError, ConnectorError } from '../../engine/errors.js';
import { HTTP_ERRORS } from './errors.js';

export interface Expr {
  readonly source: string;
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

export function compile(source: string, option: string): Expr {
  let expr: JsonataExpression;
  try {
    expr = jsonata(source);
  } catch (err) {
    const e = err as { message?: string; position?: number };
    throw new ConfigError(
      HTTP_ERRORS.config,
      `option ${option}: invalid JSONata "${source}" (${e.message ?? String(err)}${e.position !== undefined ? ` at ${e.position}` : ''})`,
      { cause: err },
    );
  }
  return {
    source,
    async evaluate(input, bindings) {
      try {
        return (await expr.evaluate(input, bindings)) as unknown;
      } catch (err) {
        throw new ConnectorError(
          HTTP_ERRORS.expression,
          `option ${option}: "${source}" failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
    },
  };
}

export function maybe(source: string | undefined, option: string): Expr | undefined {
  return source === undefined ? undefined : compile(source, option);
}

/** JSONata's sequences are arrays with extra flags; a single match is a value. Always an array here. */
export function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...(v as unknown[])] : [v];
}

/** Default record selection: the body when it is an array, else a well-known array property. */
export function defaultItems(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body as unknown[];
  if (body && typeof body === 'object') {
    for (const k of ['items', 'data', 'results', 'records', 'value']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as unknown[];
    }
  }
  return undefined;
}
