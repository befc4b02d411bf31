/**
 * The HTTP side of every emulator: a server from @hono/node-server (http, or https with `tls`) on
 * loopback and a random port unless told otherwise, with what every emulator has — `GET
 * /_emulator/counters` answered from its `RequestCounters`, requests in flight counted, connections
 * watched for `Traffic.idle({ connections })`, a failure of the emulator itself answered 500, and a
 * `close()` that ends keep-alive connections so a test never waits for a client.
 *
 * The emulator's handler gets the web `Request` (a Hono app's `fetch` takes it, see `answerOf`) and
 * the raw Node messages, and writes its answer on the raw response itself: only that way is a
 * dropped socket, a held request or a proxy's 504 exact, and the kit's traffic recorder sees the
 * bytes that went over the wire.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { CountersSnapshot } from './counters.js';
import { sendText } from './http-io.js';
import type { Traffic } from './traffic.js';

export type EmulatorHandler = (request: Request, incoming: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface EmulatorServerOptions {
  /** Port on `host` (default 0: a random free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve https with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Connections are counted here (for `idle({ connections: true })`). */
  traffic: Traffic;
  /** What `GET /_emulator/counters` answers, and where requests in flight are counted. */
  counters: { snapshot(): CountersSnapshot; enter(): void; leave(): void };
}

export interface EmulatorServer {
  /** `http://host:port` (https with `tls`). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, ends every connection (keep-alive ones too) and resolves once closed. */
  close(): Promise<void>;
}

/** Serves `handler` until `close()`. */
export async function listenEmulator(
  handler: EmulatorHandler,
  options: EmulatorServerOptions,
): Promise<EmulatorServer> {
  const { counters } = options;
  const server = createAdaptorServer({
    fetch: async (request, env) => {
      const { incoming, outgoing } = env as { incoming: IncomingMessage; outgoing: ServerResponse };
      if (incoming.method === 'GET' && /^\/_emulator\/counters(\?|$)/.test(incoming.url ?? '')) {
        sendText(outgoing, 200, 'application/json', JSON.stringify(counters.snapshot()));
        return RESPONSE_ALREADY_SENT;
      }
      counters.enter();
      try {
        await handler(request, incoming, outgoing);
      } catch (err) {
        if (outgoing.headersSent) outgoing.destroy();
        else sendText(outgoing, 500, 'text/plain', `emulator failure: ${(err as Error).message}`);
      } finally {
        counters.leave();
      }
      return RESPONSE_ALREADY_SENT;
    },
    // The emulator reads the body off the raw request itself, and runs inside the process under
    // test: the globals (Request, Response) stay Node's own.
    autoCleanupIncoming: false,
    overrideGlobalObjects: false,
    ...(options.tls && {
      createServer: createHttpsServer,
      serverOptions: { key: options.tls.key, cert: options.tls.cert },
    }),
  }) as Server;
  options.traffic.watch(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}

/** A Hono app's (or any fetch handler's) answer to `request`, whose body was already read as `body`. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export async function answerOf<B extends object>(
  app: { fetch(request: Request, env: B): Response | Promise<Response> },
  request: Request,
  body: string,
  env: B,
): Promise<Answer> {
  const inner = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: body === '' ? null : body,
  });
  const r = await app.fetch(inner, env);
  return { status: r.status, headers: Object.fromEntries(r.headers), text: await r.text() };
}
