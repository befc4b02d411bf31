/**
 * What went over the wire, exchange by exchange: the request as the client sent it (method, URL,
 * headers, body) and the answer the emulator wrote (status, headers, body), or none when the socket
 * was destroyed. Taken from the HTTP messages themselves, not from the emulator's reading of them, so
 * an independent checker (test/contract/) can hold the traffic against the vendors' specs. Secrets
 * (authorization, cookies, passwords, tokens) are replaced by `[redacted]`; their names stay.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface WireRequest {
  /** The HTTP method on the wire (an `X-HTTP-Method-Override` header stays a header). */
  method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  url: string;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as UTF-8 text; empty when there was none. */
  body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface WireExchange {
  /** The emulator's number for the request (see traffic.ts). */
  requestId: number;
  /** When the request arrived, emulator clock (epoch ms). */
  at: number;
  request: WireRequest;
  /** The kind of the fault injected into this exchange, if any: its answer is the fault's, not the system's. */
  fault?: string;
  /** Absent when no answer was written (the socket was destroyed). */
  response?: WireResponse;
}

/** Receives each exchange once it is answered or dropped. */
export type TrafficRecorder = (exchange: WireExchange) => void;

const SECRET_FIELDS = new Set([
  'client_secret',
  'password',
  'Password',
  'refresh_token',
  'access_token',
  'id_token',
  'idtoken',
]);
const REDACTED = '[redacted]';

function redactHeader(name: string, value: string): string {
  if (name === 'authorization') return value.replace(/^(\S+\s+).*$/, `$1${REDACTED}`);
  if (name === 'cookie') return value.replace(/(^|;\s*)([^=;\s]+)=[^;]*/g, `$1$2=${REDACTED}`);
  if (name === 'set-cookie')
    return value
      .split('\n')
      .map((c) => c.replace(/^([^=]+=)[^;]*/, `$1${REDACTED}`))
      .join('\n');
  return value;
}

/** Request headers as a flat record, secrets redacted. */
export function wireRequestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = redactHeader(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

/** Response headers (from `writeHead` and `setHeader`) as a flat record, secrets redacted. */
export function wireResponseHeaders(...sources: (OutgoingHttpHeaders | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (value === undefined) continue;
      const key = name.toLowerCase();
      const text = Array.isArray(value) ? value.join(key === 'set-cookie' ? '\n' : ', ') : String(value);
      out[key] = redactHeader(key, text);
    }
  }
  return out;
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELDS.has(k) && typeof v === 'string' ? REDACTED : redactJson(v);
  }
  return out;
}

/** A body with secret fields redacted: form fields and JSON properties named like secrets (also in the JSON parts of a multipart body). */
export function redactBody(body: string, contentType: string | undefined): string {
  if (body === '') return body;
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    for (const name of [...form.keys()]) if (SECRET_FIELDS.has(name)) form.set(name, REDACTED);
    return form.toString();
  }
  if ((contentType ?? '').includes('multipart/')) return body.split('\r\n').map(redactJsonText).join('\r\n');
  if (!(contentType ?? '').includes('json')) return body;
  return redactJsonText(body);
}

const SECRET_MEMBER = new RegExp(`("(?:${[...SECRET_FIELDS].join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"?`, 'g');

/** JSON text with secret fields redacted; text that does not parse has its `"secret": "..."` members redacted. */
function redactJsonText(text: string): string {
  if (/^\s*[[{]/.test(text)) {
    try {
      return JSON.stringify(redactJson(JSON.parse(text)));
    } catch {
      // not (complete) JSON: fall through to the textual redaction
    }
  }
  return text.replace(SECRET_MEMBER, `$1"${REDACTED}"`);
}

/** What an `Exchange` tells its capture (traffic.ts). */
export interface WireCapture {
  received(body: string, fault: string | undefined): void;
  answered(): void;
  dropped(): void;
}

function chunkBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return undefined;
}

function headersOf(args: unknown[]): OutgoingHttpHeaders | undefined {
  const h = args.find((a) => a !== null && typeof a === 'object');
  if (!Array.isArray(h)) return h as OutgoingHttpHeaders | undefined;
  // [name, value, name, value, ...] or [[name, value], ...]
  const out: OutgoingHttpHeaders = {};
  const flat = (h as unknown[]).flat() as string[];
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1];
  return out;
}

/**
 * Watches one request and its response: the answer's status, headers and body are taken from what is
 * written to `res`; the request body is what the emulator read (`received`). Tells `recorder` once.
 */
export function wireCapture(
  recorder: TrafficRecorder,
  raw: IncomingMessage,
  res: ServerResponse,
  requestId: number,
  at: number,
): WireCapture {
  const headers = wireRequestHeaders(raw.headers);
  const request: WireRequest = { method: raw.method ?? 'GET', url: raw.url ?? '/', headers, body: '' };
  let fault: string | undefined;
  let head: OutgoingHttpHeaders | undefined;
  const chunks: Buffer[] = [];
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const patched = res as unknown as Record<'writeHead' | 'write' | 'end', (...args: unknown[]) => unknown>;
  patched.writeHead = (...args: unknown[]) => {
    head = headersOf(args.slice(1));
    return writeHead(...args);
  };
  patched.write = (...args: unknown[]) => {
    const b = chunkBuffer(args[0], args[1]);
    if (b) chunks.push(b);
    return write(...args);
  };
  patched.end = (...args: unknown[]) => {
    const b = chunkBuffer(args[0], args[1]);
    if (b) chunks.push(b);
    return end(...args);
  };
  let told = false;
  const tell = (response: WireResponse | undefined): void => {
    if (told) return;
    told = true;
    recorder({ requestId, at, request, ...(fault !== undefined && { fault }), ...(response && { response }) });
  };
  return {
    received: (body, kind) => {
      request.body = redactBody(body, headers['content-type']);
      fault = kind;
    },
    answered: () => {
      const responseHeaders = wireResponseHeaders(res.getHeaders(), head);
      const body = Buffer.concat(chunks).toString('utf8');
      tell({
        status: res.statusCode,
        headers: responseHeaders,
        body: redactBody(body, responseHeaders['content-type']),
      });
    },
    dropped: () => tell(undefined),
  };
}

/** An exchange with the system whose emulator served it (`concur`, `sap-b1`). */
export type SystemExchange = WireExchange & { system: string };

/** Appends each exchange as one JSON line to `file`. */
export function trafficFileRecorder(file: string): (exchange: SystemExchange) => void {
  return (exchange) => appendFileSync(file, `${JSON.stringify(exchange)}\n`);
}

/** The exchanges a file written by `trafficFileRecorder` holds (an absent file holds none). */
export function readTrafficFile(file: string): SystemExchange[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SystemExchange);
}
