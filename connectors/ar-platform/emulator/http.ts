/**
 * The only Node-specific part: serves the Hono app (app.ts) with @hono/node-server, and around each
 * request tells the kit's Traffic what happened (request, aborted, responded), applies the injected
 * fault and writes the answer itself (so a dropped socket or a proxy's 504 is exact).
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { serveInDoubt, type InDoubtFault } from '../../../engine/emulator-kit/in-doubt.js';
import type { Exchange, Traffic } from '../../../engine/emulator-kit/traffic.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { ArApp } from './app-context.js';
import type { FaultInjector, TakenFault } from './faults.js';
import type { RateLimiter } from './rate-limit.js';
import type { TokenRegistry } from './tokens.js';

export interface HttpDeps {
  app: ArApp;
  traffic: Traffic;
  faults: FaultInjector;
  tokens: TokenRegistry;
  clock: Clock;
  /** The platform's request-rate limit, when configured. */
  limiter?: RateLimiter;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const json = (status: number, code: string, message: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  text: JSON.stringify({ error: { code, message } }),
});

function writer(exchange: Exchange, res: ServerResponse): (a: Answer) => void {
  return (a) =>
    exchange.answer(a.status, () => {
      if (res.destroyed) return;
      res.writeHead(a.status, { ...a.headers, 'content-length': String(Buffer.byteLength(a.text)) });
      res.end(a.text);
    });
}

/** The body as a traffic recorder may keep it: client secrets never leave the emulator. */
function redacted(path: string, body: string): string {
  return path === '/oauth/token' ? body.replace(/(client_secret"?\s*[=:]\s*"?)[^&"]*/g, '$1[redacted]') : body;
}

async function handle(deps: HttpDeps, req: Request, incoming: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url);
  const exchange = deps.traffic.open(incoming, res, req.method, url.pathname);
  try {
    const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
    const control = url.pathname.startsWith('/_emulator/');
    const wait = control ? undefined : deps.limiter?.take();
    const fault =
      control || wait !== undefined ? undefined : deps.faults.take(req.method, url.pathname, url.pathname + url.search);
    const kind = wait !== undefined ? 'rate-limit' : fault?.spec.kind;
    exchange.received(decodeURIComponent(url.search.slice(1)), kind, redacted(url.pathname, body));
    const write = writer(exchange, res);
    if (wait !== undefined) {
      write(json(429, 'rate_limited', 'request rate limit exceeded', { 'retry-after': String(wait) }));
      return;
    }
    const process = async (): Promise<Answer> => {
      const inner = new Request(req.url, { method: req.method, headers: req.headers, body: body === '' ? null : body });
      const r = await deps.app.fetch(inner, { requestId: exchange.requestId });
      return { status: r.status, headers: Object.fromEntries(r.headers), text: await r.text() };
    };
    await serveWithFault(deps, fault, { exchange, write, process, authorization: req.headers.get('authorization') });
  } finally {
    deps.traffic.finish();
  }
}

interface Steps {
  exchange: Exchange;
  write(a: Answer): void;
  process(): Promise<Answer>;
  authorization: string | null;
}

async function serveWithFault(deps: HttpDeps, taken: TakenFault | undefined, s: Steps): Promise<void> {
  if (taken === undefined) {
    s.write(await s.process());
    return;
  }
  const spec = taken.spec;
  switch (spec.kind) {
    case '429':
      s.write(
        json(429, 'rate_limited', 'too many requests; retry after the Retry-After interval', {
          'retry-after': String(spec.retryAfterSeconds ?? 1),
        }),
      );
      return;
    case '500':
      s.write(json(500, 'internal_error', 'the platform had an internal error'));
      return;
    case '503':
      s.write(
        json(
          503,
          'service_unavailable',
          'the platform is temporarily unavailable',
          spec.retryAfterSeconds === undefined ? {} : { 'retry-after': String(spec.retryAfterSeconds) },
        ),
      );
      return;
    case 'drop':
      s.exchange.drop();
      return;
    case 'expire-token':
      deps.tokens.expire(s.authorization ?? undefined);
      s.write(await s.process());
      return;
    case '500-after-commit':
      await s.process();
      s.write(json(500, 'internal_error', 'the platform had an internal error after saving'));
      return;
    default: {
      const kit: InDoubtFault =
        spec.kind === 'delay'
          ? { kind: 'delay', delayMs: spec.delayMs ?? 1000 }
          : spec.kind === 'hold'
            ? { kind: 'hold', gate: taken.gate }
            : spec.kind === 'proxy-504'
              ? {
                  kind: 'proxy-504',
                  afterMs: spec.afterMs ?? 0,
                  delayMs: spec.delayMs ?? spec.afterMs ?? 0,
                  gateway: spec.gateway ?? 'nginx',
                }
              : { kind: 'drop-after-commit' };
      await serveInDoubt(kit, {
        exchange: s.exchange,
        clock: deps.clock,
        process: s.process,
        answer: s.write,
        answerGatewayTimeout: (g) =>
          s.write({ status: g.status, headers: { 'content-type': g.contentType }, text: g.body }),
      });
    }
  }
}

/** Serves the app on host:port (0 = a free port); resolves with the server and its origin. */
export async function listen(deps: HttpDeps, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createAdaptorServer({
    fetch: async (req, env) => {
      const { incoming, outgoing } = env as { incoming: IncomingMessage; outgoing: ServerResponse };
      await handle(deps, req, incoming, outgoing);
      return RESPONSE_ALREADY_SENT;
    },
  }) as Server;
  deps.traffic.watch(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}` };
}

/** Stops accepting, ends idle keep-alive connections and waits for the server to close. */
export function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
