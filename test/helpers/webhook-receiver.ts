/** A local HTTP server standing in for a webhook (Slack, a generic receiver): it records each POST. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  path: string;
  body: Record<string, unknown>;
}

export interface WebhookReceiver {
  /** Base URL (http://127.0.0.1:port); add any path, e.g. a token. */
  url: string;
  posts: ReceivedPost[];
  /** The HTTP status the next requests are answered with (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const receiver = { posts, status: 200 } as WebhookReceiver & { server: Server };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      if (req.method === 'POST') posts.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.statusCode = receiver.status;
      res.end(receiver.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}
