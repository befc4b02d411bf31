/** The scheduler's HTTP endpoints: `/healthz` (JSON; 503 while shutting down) and Prometheus `/metrics`. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Endpoints {
  health(): { ok: boolean; body: unknown };
  metrics(): Promise<{ contentType: string; text: string }>;
}

export async function listen(port: number, host: string, e: Endpoints): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/healthz') {
      const h = e.health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h.body) + '\n');
    } else if (path === '/metrics') {
      e.metrics().then(
        (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
