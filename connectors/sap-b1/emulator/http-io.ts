/** Request bodies and answers as the Service Layer reads and writes them (the kit reads and serves). */
import type { ServerResponse } from 'node:http';
import type { Dialect } from './dialect.js';
import { faults } from './errors.js';

/** The JSON body of a POST/PATCH: an object, or a 400 like the Service Layer's parser gives. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw faults.badRequest('Invalid JSON in request body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw faults.badRequest('Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  dialect: Dialect,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...dialect.headers, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const PROXY_ERROR_HTML = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>502 Proxy Error</title>
</head><body>
<h1>Proxy Error</h1>
<p>The proxy server received an invalid
response from an upstream server.<br />
The proxy server could not handle the request<p>Reason: <strong>Error reading from remote server</strong></p></p>
</body></html>
`;
