/** What the API's routes share: the records, tokens, events and counters of one emulator. */
import type { Context, Hono } from 'hono';
import { ApiFault } from './api-error.js';
import type { Counters } from './counters.js';
import type { ArEmulatorEvent } from './events.js';
import type { EventSink } from '../../../engine/emulator-kit/events.js';
import type { ArStore } from './store.js';
import type { TokenRegistry } from './tokens.js';

/** Hono bindings: the emulator's number for the request (the HTTP layer passes it in). */
export interface ArEnv {
  Bindings: { requestId: number };
}
export type ArApp = Hono<ArEnv>;
export type ArCtx = Context<ArEnv>;

export interface AppContext {
  store: ArStore;
  tokens: TokenRegistry;
  events: EventSink<ArEmulatorEvent>;
  counters: Counters;
}

/** The request's JSON body, or 400 `invalid_json`. */
export async function readJson(c: ArCtx): Promise<unknown> {
  return parseJson(await c.req.text());
}

/** JSON text parsed, or 400 `invalid_json`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiFault(400, 'invalid_json', 'the request body is not JSON');
  }
}

/** The request's query string as URLSearchParams. */
export function queryOf(c: ArCtx): URLSearchParams {
  return new URL(c.req.url).searchParams;
}

/** Keeps `items` whose field equals the query parameter of the same name, when it is sent. */
export function filterBy<T>(items: T[], query: URLSearchParams, fields: readonly (keyof T & string)[]): T[] {
  let out = items;
  for (const f of fields) {
    const want = query.get(f);
    if (want !== null) out = out.filter((i) => String(i[f]) === want);
  }
  return out;
}
