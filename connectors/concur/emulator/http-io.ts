/** Request bodies as the routes see them, and answers as Concur writes them (the kit reads and serves). */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { EmuResponse } from './router.js';

/** The largest request body the emulator reads. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export function redactForm(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const k of ['client_secret', 'password', 'refresh_token']) if (k in out) out[k] = '[redacted]';
  return out;
}

export function send(res: ServerResponse, response: EmuResponse): void {
  const headers: Record<string, string> = { 'concur-correlationid': randomUUID(), ...response.headers };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  res.writeHead(response.status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(text);
}
