/**
 * The request pipeline: /b1s/v1 and /b1s/v2 (plus /ping), method override, request counting,
 * fault injection, session check, dispatch, and writing the answer in the version's dialect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleBatch } from './batch.js';
import { dialectOf } from './dialect.js';
import type { ProtocolVersion } from './edm/codec.js';
import { SERVED_ENTITY_SETS } from './edm/model.js';
import { handleEntityRequest } from './entity-handlers.js';
import { ServiceLayerFault, faults as slFaults } from './errors.js';
import type { Fault } from './faults.js';
import { PROXY_ERROR_HTML, parseJsonObject, readBody, sendFault, sendJson, sendText } from './http-io.js';
import { metadataDocument } from './metadata-doc.js';
import { header, type EmulatorCore, type EmulatorRequest, type Reply } from './core.js';
import { login, logout, requireSession, sessionCookie } from './session-handlers.js';

function label(method: string, path: string): string {
  const m = /^([$\w]*)(?:\([^)]*\))?(?:\/([$\w]+))?/.exec(path);
  const resource = m?.[1] || '/';
  return m?.[2] ? `${method} ${resource}/${m[2]}` : `${method} ${resource}`;
}

async function route(core: EmulatorCore, req: EmulatorRequest, rawBody: string): Promise<Reply> {
  if (req.path === 'Login') {
    if (req.method !== 'POST') throw slFaults.notSupported();
    return login(core, req);
  }
  if (req.path === '$metadata') {
    return { status: 200, text: { contentType: 'application/xml', body: metadataDocument(req.dialect.version) } };
  }
  const session = requireSession(core, req);
  if (req.path === 'Logout') return logout(core, session);
  if (req.path === '$batch') {
    if (req.method !== 'POST') throw slFaults.notSupported();
    return handleBatch(core, req, rawBody);
  }
  if (req.path === '') {
    const value = SERVED_ENTITY_SETS.map((name) => ({ name, kind: 'EntitySet', url: name }));
    return {
      status: 200,
      json: req.dialect.version === 'v2' ? { '@odata.context': `${req.base}/b1s/v2/$metadata`, value } : { value },
    };
  }
  return handleEntityRequest(core, req);
}

/** Applies a fault before processing; returns a reply when the fault replaces processing. */
async function preFault(core: EmulatorCore, fault: Fault, req: EmulatorRequest): Promise<Reply | 'drop' | undefined> {
  switch (fault.kind) {
    case 'drop':
      return 'drop';
    case '500':
      return { status: 500 };
    case '502-html':
      return { status: 502, text: { contentType: 'text/html; charset=iso-8859-1', body: PROXY_ERROR_HTML } };
    case 'error':
      throw new ServiceLayerFault(fault.status ?? 500, fault.code ?? -1, fault.message ?? 'Injected error');
    case 'delay':
      await sleep(fault.delayMs ?? 1000);
      return undefined;
    case 'expire-session': {
      const id = sessionCookie(req);
      if (id !== undefined) core.sessions.remove(id);
      return undefined;
    }
    case 'drop-after-commit':
      return undefined;
  }
}

function write(res: ServerResponse, req: EmulatorRequest, reply: Reply): void {
  if (reply.json !== undefined) {
    sendJson(res, reply.status, req.dialect, reply.json, reply.headers as Record<string, string>);
  } else if (reply.text) {
    sendText(res, reply.status, reply.text.contentType, reply.text.body, reply.headers as Record<string, string>);
  } else {
    res.writeHead(reply.status, reply.headers);
    res.end();
  }
}

async function handle(core: EmulatorCore, raw: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = raw.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  if (/^\/ping(\/|$)/.test(rawPath)) {
    sendText(
      res,
      200,
      'application/json',
      JSON.stringify({ message: 'Service Layer is running', sender: 'node1', timestamp: core.clock.now() / 1000 }),
    );
    return;
  }
  const m = /^\/b1s\/(v1|v2)(?:\/(.*))?$/.exec(rawPath);
  if (!m) {
    sendText(res, 404, 'text/plain', 'Not Found');
    return;
  }
  const version = m[1] as ProtocolVersion;
  const override =
    raw.method === 'POST' ? header({ headers: raw.headers } as EmulatorRequest, 'x-http-method-override') : undefined;
  const req: EmulatorRequest = {
    method: (override ?? raw.method ?? 'GET').toUpperCase(),
    path: safeDecode(m[2] ?? ''),
    rawQuery,
    headers: raw.headers,
    body: {},
    dialect: dialectOf(version),
    base: `${'encrypted' in raw.socket && raw.socket.encrypted ? 'https' : 'http'}://${raw.headers.host ?? 'localhost'}`,
  };
  core.counters.count(label(req.method, req.path));
  core.counters.enter();
  try {
    await processRequest(core, raw, res, req, rawQuery, version);
  } finally {
    core.counters.leave();
  }
}

async function processRequest(
  core: EmulatorCore,
  raw: IncomingMessage,
  res: ServerResponse,
  req: EmulatorRequest,
  rawQuery: string,
  version: ProtocolVersion,
): Promise<void> {
  const decodedQuery = safeDecode(rawQuery.replace(/\+/g, ' '));
  const fault = core.faults.take(req.method, req.path, decodedQuery);
  let status = 0;
  try {
    // The body is read first: a request whose client gave up (timeout) is still processed.
    const body = await readBody(raw);
    const pre = fault ? await preFault(core, fault, req) : undefined;
    if (pre === 'drop') {
      raw.socket.destroy();
    } else {
      let reply = pre;
      if (!reply) {
        req.body = req.path === '$batch' ? {} : parseJsonObject(body);
        reply = await route(core, req, body);
      }
      status = reply.status;
      if (fault?.kind === 'drop-after-commit') raw.socket.destroy();
      else write(res, req, reply);
    }
  } catch (err) {
    const f =
      err instanceof ServiceLayerFault
        ? err
        : new ServiceLayerFault(500, -1, `Internal emulator error: ${(err as Error).message}`);
    status = f.httpStatus;
    if (fault?.kind === 'drop-after-commit') raw.socket.destroy();
    else sendFault(res, req.dialect, f);
  }
  core.counters.record({
    method: req.method,
    path: req.path,
    query: decodedQuery,
    version,
    status,
    headers: raw.headers,
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** An http server, or https with `tls` (Service Layer installations serve https on 50000). */
export function createEmulatorServer(
  core: EmulatorCore,
  tls?: { key: string | Buffer; cert: string | Buffer },
): Server {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(core, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, 'text/plain', `emulator failure: ${(err as Error).message}`);
      else res.destroy();
    });
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
  // Real installations answered `Expect: 100-continue` on Login with an empty 500 (fact sheet §2).
  server.on('checkContinue', (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(500);
    res.end();
  });
  return server;
}
