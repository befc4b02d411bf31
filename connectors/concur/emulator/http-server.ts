/**
 * One node:http server per region. Each request: parse, match a route, apply an injected fault,
 * check the bearer token (only tokens issued by this region are honoured), run the handler, log.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { errorResponse } from './error-bodies.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import type { RequestLog } from './request-log.js';
import {
  familyOfPath,
  matchRoute,
  type ApiFamily,
  type CompiledRoute,
  type EmuContext,
  type EmuRequest,
  type EmuResponse,
} from './router.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RegionServer {
  region: string;
  server: Server;
  origin: string;
}

export interface DispatchDeps {
  routes: CompiledRoute[];
  ctx: EmuContext;
  faults: FaultInjector;
  log: RequestLog;
}

export async function listenRegion(
  region: string,
  host: string,
  port: number,
  deps: DispatchDeps,
): Promise<RegionServer> {
  const server = createServer((req, res) => {
    handle(region, req, res, deps).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `emulator error: ${(err as Error).message}` }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return { region, server, origin: `http://${host}:${addr.port}` };
}

export async function closeRegion(rs: RegionServer): Promise<void> {
  rs.server.closeAllConnections();
  await new Promise<void>((resolve) => rs.server.close(() => resolve()));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'authorization' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

async function handle(region: string, req: IncomingMessage, res: ServerResponse, deps: DispatchDeps): Promise<void> {
  const { ctx, routes, faults, log } = deps;
  const origin = ctx.regionOrigin(region);
  const url = new URL(req.url ?? '/', origin);
  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(req);
  const body = parseBody(rawBody, req.headers['content-type']);
  const match = matchRoute(routes, method, url.pathname);
  const route = match.route;
  const family = route?.family ?? familyOfPath(url.pathname);
  const logBase = {
    at: Date.now(),
    region,
    method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    route: route?.key,
    family,
    requestHeaders: headerRecord(req),
    ...(ctx.options.logBodies && body !== undefined && { requestBody: redactForm(body) }),
  };

  const fault = faults.take({ method, path: url.pathname, pathWithQuery: url.pathname + url.search, region });
  let response: EmuResponse;
  if (fault && fault.kind === 'delay') await sleep(fault.delayMs ?? 100);

  if (!route) {
    response = errorResponse(family, match.methodMismatch ? 405 : 404, `No route for ${method} ${url.pathname}`, {
      path: url.pathname,
    });
  } else if (fault && /^\d{3}$/.test(fault.kind)) {
    response = faultResponse(fault, family, url.pathname);
  } else {
    const emuReq: EmuRequest = {
      method,
      url,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      params: match.params,
      region,
      origin,
    };
    const authFailure = route.auth ? authorize(emuReq, ctx, fault) : undefined;
    if (authFailure) {
      response = errorResponse(family, authFailure.status, authFailure.message, {
        path: url.pathname,
        id: 'security.access.denied',
      });
    } else {
      response = await route.handler(emuReq, ctx);
      if (fault?.kind === 'drop-after-commit') {
        log.add({ ...logBase, status: response.status, dropped: true, fault: fault.kind });
        req.socket.destroy();
        return;
      }
    }
  }
  log.add({
    ...logBase,
    status: response.status,
    ...(ctx.options.logBodies && response.body !== undefined && { responseBody: response.body }),
    ...(fault && { fault: fault.kind }),
  });
  send(res, response);
}

function authorize(
  req: EmuRequest,
  ctx: EmuContext,
  fault: FaultSpec | undefined,
): { status: number; message: string } | undefined {
  const check = ctx.tokens.checkAccess(headerValue(req.headers.authorization), req.region);
  if (!check.ok) {
    if (check.reason === 'missing') return { status: 401, message: 'Authorization header missing' };
    const why = check.reason === 'wrong-region' ? 'token was not issued by this data center' : `token ${check.reason}`;
    return { status: ctx.options.expiredTokenStatus, message: `Invalid access token: ${why}` };
  }
  if (fault?.kind === 'expire-token') {
    ctx.tokens.expire(check.info.accessToken);
    return { status: ctx.options.expiredTokenStatus, message: 'Invalid access token: token expired' };
  }
  req.token = check.info;
  return undefined;
}

function faultResponse(fault: FaultSpec, family: ApiFamily, path: string): EmuResponse {
  const status = Number(fault.kind);
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  else if (status === 429 && family === 'list') headers['retry-after'] = '0';
  const message =
    {
      400: 'Bad request (injected)',
      404: 'Not found (injected)',
      429: 'Too many requests',
      503: 'Service unavailable',
    }[status] ?? 'Internal server error';
  return { ...errorResponse(family, status, message, { path }), headers };
}

function send(res: ServerResponse, response: EmuResponse): void {
  const headers: Record<string, string> = { 'concur-correlationid': randomUUID(), ...response.headers };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  res.writeHead(response.status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(text);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function redactForm(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const k of ['client_secret', 'password', 'refresh_token']) if (k in out) out[k] = '[redacted]';
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
