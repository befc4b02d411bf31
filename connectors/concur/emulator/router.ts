/**
 * A tiny route table: `:name` segments become decoded params; each route names its API family
 * (which decides the error body shape) and whether it needs a bearer token.
 */
import type { IncomingHttpHeaders } from 'node:http';
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
  regex: RegExp;
  names: string[];
  /** `METHOD /template`, the counter key. */
  key: string;
}

export function compileRoutes(defs: RouteDef[]): CompiledRoute[] {
  return defs.map((def) => {
    const names: string[] = [];
    const pattern = def.path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    // A trailing slash is accepted everywhere (the UPS docs use `/Users/` and `/Bulk/`).
    return { ...def, regex: new RegExp(`^${pattern}/?$`), names, key: `${def.method} ${def.path}` };
  });
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | { route: undefined; methodMismatch: boolean } {
  let methodMismatch = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      methodMismatch = true;
      continue;
    }
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { route, params };
  }
  return { route: undefined, methodMismatch };
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
