/**
 * The request pipeline the kit's server (engine/emulator-kit/http-app.ts, which also answers GET
 * /_emulator/counters) runs: /b1s/v1 and /b1s/v2 (plus /ping), method override, request counting,
 * the traffic events (engine/emulator-kit/traffic.ts), fault selection, and serving (serve.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { EmulatorHandler } from '../../../engine/emulator-kit/http-app.js';
import { readBody, sendText } from '../../../engine/emulator-kit/http-io.js';
import type { Exchange } from '../../../engine/emulator-kit/traffic.js';
import { dialectOf } from './dialect.js';
import type { ProtocolVersion } from './edm/codec.js';
import { WriteJournal } from './events.js';
import { header, type EmulatorCore, type EmulatorRequest } from './core.js';
import { serve } from './serve.js';

function label(method: string, path: string): string {
  const m = /^([$\w]*)(?:\([^)]*\))?(?:\/([$\w]+))?/.exec(path);
  const resource = m?.[1] || '/';
  return m?.[2] ? `${method} ${resource}/${m[2]}` : `${method} ${resource}`;
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
  const method = (override ?? raw.method ?? 'GET').toUpperCase();
  const path = safeDecode(m[2] ?? '');
  const exchange = core.traffic.open(raw, res, method, path);
  const req: EmulatorRequest = {
    method,
    path,
    rawQuery,
    headers: raw.headers,
    body: {},
    dialect: dialectOf(version),
    base: `${'encrypted' in raw.socket && raw.socket.encrypted ? 'https' : 'http'}://${raw.headers.host ?? 'localhost'}`,
    requestId: exchange.requestId,
    journal: new WriteJournal(),
  };
  core.counters.count(label(req.method, req.path));
  try {
    await processRequest(core, raw, res, exchange, req, version);
  } finally {
    core.traffic.finish();
  }
}

async function processRequest(
  core: EmulatorCore,
  raw: IncomingMessage,
  res: ServerResponse,
  exchange: Exchange,
  req: EmulatorRequest,
  version: ProtocolVersion,
): Promise<void> {
  const decodedQuery = safeDecode(req.rawQuery.replace(/\+/g, ' '));
  const fault = core.faults.take({ method: req.method, path: req.path, query: decodedQuery });
  let status = 0;
  let body: string | undefined;
  try {
    // The body is read first: a request whose client gave up (timeout) is still processed.
    body = await readBody(raw);
  } catch {
    exchange.drop(); // the client went away before its body was complete: nothing to process
  }
  if (body !== undefined) {
    exchange.received(decodedQuery, fault?.spec.kind, body);
    status = await serve(core, exchange, res, req, body, fault);
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

/** The Service Layer as the kit's server runs it. */
export function serviceLayerHandler(core: EmulatorCore): EmulatorHandler {
  return (_request, raw, res) => handle(core, raw, res);
}

/** Real installations answered `Expect: 100-continue` on Login with an empty 500 (fact sheet §2). */
export function refuseExpectContinue(server: Server): void {
  server.on('checkContinue', (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(500);
    res.end();
  });
}
