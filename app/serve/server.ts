/**
 * Starts the finance page: binds 127.0.0.1 unless told otherwise; with a certificate and key it
 * serves HTTPS (and marks cookies Secure). Behind a TLS-terminating reverse proxy: bind loopback,
 * pass --public-origin https://… and --secure-cookies.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Registry } from '../../engine/connector/registry.js';
import type { Logger } from '../../engine/runtime/logger.js';
import type { StateStore } from '../../engine/state/store.js';
import { financeApp } from './app.js';
import { pageRunner } from './runner.js';

export interface FinancePageOptions {
  state: StateStore;
  registry: Registry;
  logger: Logger;
  host?: string;
  port?: number;
  tls?: { certFile: string; keyFile: string };
  /** Secure cookies without TLS here (a TLS proxy in front). */
  secureCookies?: boolean;
  publicOrigin?: string;
  pipelinesDir?: string;
  connectionsPath?: string;
  env?: NodeJS.ProcessEnv;
}

export interface FinancePage {
  url: string;
  close(): Promise<void>;
}

export async function startFinancePage(o: FinancePageOptions): Promise<FinancePage> {
  const runner = pageRunner({
    state: o.state,
    registry: o.registry,
    logger: o.logger,
    ...(o.pipelinesDir !== undefined && { pipelinesDir: o.pipelinesDir }),
    ...(o.connectionsPath !== undefined && { connectionsPath: o.connectionsPath }),
    ...(o.env && { env: o.env }),
  });
  const app = financeApp({
    state: o.state,
    runner,
    secureCookies: o.tls !== undefined || o.secureCookies === true,
    clientAddress: (c) => getConnInfo(c).remote.address ?? 'unknown',
    ...(o.publicOrigin !== undefined && { publicOrigin: o.publicOrigin }),
  });
  const host = o.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: host,
        port: o.port ?? 8484,
        ...(o.tls && {
          createServer: createHttpsServer,
          serverOptions: { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) },
        }),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${o.tls ? 'https' : 'http'}://${shown}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
