/**
 * One node:http server per region; each request is handled by dispatch.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handle, type DispatchDeps } from './dispatch.js';

export type { DispatchDeps } from './dispatch.js';

export interface RegionServer {
  region: string;
  server: Server;
  origin: string;
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
  deps.traffic.watch(server);
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
