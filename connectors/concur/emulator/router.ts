/**
 * The route table: each route names its API family (which decides the error body shape) and
 * whether it needs a bearer token; matching is Hono's router.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TrieRouter } from 'hono/router/trie-router';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { ConcurEvents } from './events.js';
import type { EmulatorState } from './state.js';
import type { TokenInfo, TokenRegistry } from './tokens.js';
import type { ResolvedOptions } from './options.js';

export const API_FAMILIES = ['oauth', 'v3', 'vendors', 'list', 'fis', 'scim'] as const;
export type ApiFamily = (typeof API_FAMILIES)[number];

export interface EmuRequest {
  method: string;
  url: URL;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body (form bodies become a plain object of strings). */
  body: unknown;
  rawBody: string;
  params: Record<string, string>;
  region: string;
  /** Origin of the region that received the request, e.g. http://127.0.0.1:4123. */
  origin: string;
  token?: TokenInfo;
  /** The emulator's number for the request (see the `request` event). */
  requestId: number;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EmuContext {
  state: EmulatorState;
  options: ResolvedOptions;
  tokens: TokenRegistry;
  clock: Clock;
  events: ConcurEvents;
  /** Origin URL of a region by name. */
  regionOrigin(region: string): string;
}

export type Handler = (req: EmuRequest, ctx: EmuContext) => EmuResponse | Promise<EmuResponse>;

export interface RouteDef {
  method: string;
  /** Template such as `/list/v4/lists/:listId/children`. */
  path: string;
  family: ApiFamily;
  auth: boolean;
  handler: Handler;
}

export interface CompiledRoute extends RouteDef {
  /** `METHOD /template`, the counter key. */
  key: string;
}

export type RouteMatch =
  { route: CompiledRoute; params: Record<string, string> } | { route: undefined; methodMismatch: boolean };

/**
 * The routes on Hono's router (TrieRouter): the first route of the request's method whose template
 * matches wins, `:name` segments become decoded params, and a trailing slash is accepted everywhere
 * (the UPS docs use `/Users/` and `/Bulk/`). A path that only other methods serve is a 405.
 */
export class RouteTable {
  private readonly router = new TrieRouter<CompiledRoute>();
  private readonly methods = new Set<string>();

  constructor(defs: readonly RouteDef[]) {
    for (const def of defs) {
      this.router.add(def.method, def.path, { ...def, key: `${def.method} ${def.path}` });
      this.methods.add(def.method);
    }
  }

  match(method: string, rawPath: string): RouteMatch {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const [first] = this.router.match(method, path)[0];
    if (first) {
      const [route, raw] = first as [CompiledRoute, Record<string, string>];
      const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decodeURIComponent(v)]));
      return { route, params };
    }
    const elsewhere = [...this.methods].some((m) => m !== method && this.router.match(m, path)[0].length > 0);
    return { route: undefined, methodMismatch: elsewhere };
  }
}

/** The family of a path that matched no route (for the 404 body). */
export function familyOfPath(path: string): ApiFamily {
  if (path.startsWith('/oauth2')) return 'oauth';
  if (path.startsWith('/api/v3.1/invoice/vendor')) return 'vendors';
  if (path.startsWith('/api/v3')) return 'v3';
  if (path.startsWith('/list/')) return 'list';
  if (path.includes('/fi/v4/')) return 'fis';
  return 'scim';
}
