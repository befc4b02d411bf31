/**
 * The HTTP side of an emulator: its routes as a Hono app, served by @hono/node-server on loopback
 * (a random port unless one is given), with what every emulator has: requests counted and logged
 * (`GET /_emulator/counters`), connections watched for `Traffic.idle({ connections })`, and
 * `dropConnection` for faults that destroy the socket instead of answering. Close ends every
 * connection, so a test's `close()` never waits for a client's keep-alive.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { RequestCounters } from './counters.js';
import type { Traffic } from './traffic.js';

export type EmulatorEnv = { Bindings: HttpBindings };

export interface EmulatorAppOptions {
  /** Port on `host` (default 0: a random free port). */
  port?: number;
  host?: string;
  /** The label a request is counted under (default "METHOD /path"). */
  label?(method: string, path: string): string;
  counters?: RequestCounters;
  /** Connections are counted here (for `idle({ connections: true })`). */
  traffic?: Traffic;
}

export interface RunningApp {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly counters: RequestCounters;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `routes` with the kit's counters route and request counting in front of them. */
export async function startEmulatorApp(
  routes: Hono<EmulatorEnv>,
  options: EmulatorAppOptions = {},
): Promise<RunningApp> {
  const counters = options.counters ?? new RequestCounters();
  const label = options.label ?? ((method, path) => `${method} ${path}`);
  const app = new Hono<EmulatorEnv>();
  app.get('/_emulator/counters', (c) => c.json(counters.snapshot()));
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    counters.enter();
    counters.count(label(c.req.method, url.pathname));
    try {
      await next();
    } finally {
      counters.leave();
      counters.record({ method: c.req.method, path: url.pathname, query: url.search.slice(1), status: c.res.status });
    }
  });
  app.route('/', routes);

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  options.traffic?.watch(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    counters,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Destroys the request's socket: the client gets no answer (a lost response, a dropped connection). */
export function dropConnection(c: Context<EmulatorEnv>): Response {
  c.env.incoming.socket.destroy();
  return new Response(null, { status: 599 });
}
