/** Reading a request body and writing a text answer on the raw Node messages an emulator serves. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The whole body as UTF-8 text; rejects (RangeError) past `maxBytes`, or when the client goes away first. */
export async function readBody(req: IncomingMessage, maxBytes = Infinity): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new RangeError('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes `text` with its content type and length (and `headers`, which may override them). */
export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
