/**
 * A loopback TCP proxy for tests: `cut()` drops every open connection and refuses new ones (the
 * database "goes away"), `restore()` accepts again on the same port. `trap()` loses one connection
 * at a chosen moment: when the client sends bytes containing a marker (a statement, `COMMIT`),
 * either before they reach the server or after the server answered them (the answer is lost).
 * `cutAfter(n)` drops the next connection once the client has sent n more bytes through it (a
 * connection lost in the middle of an upload: the first n bytes arrive, the rest never do).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** `drop`: the marked bytes never reach the server; `lose-answer`: the server gets and answers them, the client never hears. */
export type TrapMode = 'drop' | 'lose-answer';

export interface TcpProxy {
  port: number;
  /** The next client bytes containing `marker` (case-insensitive ASCII) cut their connection; resolves when that happened. */
  trap(marker: string, mode: TrapMode): Promise<void>;
  /** The connection that carries the next `bytes` client bytes is cut right there; resolves when it was. */
  cutAfter(bytes: number): Promise<void>;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server!: Server;
  let armed: { marker: string; mode: TrapMode; fired: () => void } | undefined;
  let budget: { left: number; fired: () => void } | undefined;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server = createServer((client) => {
        const upstream = createConnection(targetPort, targetHost);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        let losing: (() => void) | undefined;
        client.on('data', (chunk: Buffer) => {
          if (budget) {
            if (chunk.length < budget.left) budget.left -= chunk.length;
            else {
              const { left, fired } = budget;
              budget = undefined;
              upstream.write(chunk.subarray(0, left), () => {
                client.destroy();
                upstream.destroy();
                fired();
              });
              return;
            }
          }
          const trap = armed;
          if (!trap || !chunk.toString('latin1').toUpperCase().includes(trap.marker)) {
            upstream.write(chunk);
            return;
          }
          armed = undefined;
          if (trap.mode === 'drop') {
            client.destroy();
            upstream.destroy();
            trap.fired();
            return;
          }
          losing = trap.fired;
          upstream.write(chunk);
        });
        upstream.on('data', (chunk: Buffer) => {
          if (!losing) {
            client.write(chunk);
            return;
          }
          // The server answered the marked bytes: that answer never reaches the client.
          client.destroy();
          upstream.destroy();
          losing();
        });
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  const port = await listen(0);
  let stopped = false;
  return {
    port,
    trap: (marker, mode) =>
      new Promise<void>((fired) => {
        armed = { marker: marker.toUpperCase(), mode, fired };
      }),
    cutAfter: (bytes) =>
      new Promise<void>((fired) => {
        budget = { left: bytes, fired };
      }),
    cut: async () => {
      stopped = true;
      await stop();
    },
    restore: async () => {
      if (!stopped) return;
      stopped = false;
      await listen(port);
    },
    close: async () => {
      if (!stopped) await stop();
      stopped = true;
    },
  };
}
