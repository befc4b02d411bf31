/**
 * `$batch` on the wire (fact sheet §7): each write in its own change set (atomic by itself, with a
 * Content-ID as v2 requires), and the multipart answer parsed back into one result per change set
 * answered. The Service Layer stops at the first failing change set: later ones get no result.
 */
import { randomUUID } from 'node:crypto';
import type { SlVersion } from './config.js';

export interface BatchPart {
  method: 'POST' | 'PATCH' | 'DELETE';
  /** Path below the service root, e.g. `JournalEntries` or `Projects('P1')`. */
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface BatchResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  raw: string;
}

export function buildBatch(
  parts: readonly BatchPart[],
  version: SlVersion,
  boundary = `batch_${randomUUID()}`,
): { contentType: string; body: string } {
  const chunks = parts.map((part, i) => {
    const cs = `changeset_${randomUUID()}`;
    const headers = { ...(part.json !== undefined && { 'Content-Type': 'application/json' }), ...part.headers };
    const request = [
      `${part.method} /b1s/${version}/${part.path} HTTP/1.1`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    const http = `Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${i + 1}\r\n\r\n${request}\r\n\r\n${part.json !== undefined ? JSON.stringify(part.json) : ''}`;
    return `--${boundary}\r\nContent-Type: multipart/mixed;boundary=${cs}\r\n\r\n--${cs}\r\n${http}\r\n--${cs}--\r\n`;
  });
  return { contentType: `multipart/mixed;boundary=${boundary}`, body: `${chunks.join('')}--${boundary}--\r\n` };
}

interface RawPart {
  headers: Record<string, string>;
  body: string;
}

function headerBlock(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function boundaryOf(contentType: string): string | undefined {
  return /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
}

function split(text: string, boundary: string): RawPart[] {
  const segments = text.split(`--${boundary}`);
  return segments
    .slice(1)
    .filter((s) => !s.startsWith('--'))
    .map((seg) => {
      const s = seg.replace(/^\n/, '');
      const blank = s.indexOf('\n\n');
      return blank < 0
        ? { headers: headerBlock(s), body: '' }
        : { headers: headerBlock(s.slice(0, blank)), body: s.slice(blank + 2).replace(/\n$/, '') };
    });
}

function httpResult(part: RawPart): BatchResult {
  const blank = part.body.indexOf('\n\n');
  const head = blank < 0 ? part.body : part.body.slice(0, blank);
  const raw = blank < 0 ? '' : part.body.slice(blank + 2).trim();
  const [statusLine = '', ...rest] = head.split('\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine.trim())?.[1] ?? 0);
  let body: unknown = raw === '' ? undefined : raw;
  if (raw !== '') {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      body = raw;
    }
  }
  return { status, headers: headerBlock(rest.join('\n')), body, raw };
}

/**
 * One result per answered change set (or top-level request), in order. A change set that
 * succeeded answers with its (single) request's result; a failed one with its error.
 */
export function parseBatchResponse(contentType: string, body: string): BatchResult[] | undefined {
  const boundary = boundaryOf(contentType);
  if (!boundary || !/multipart\/mixed/i.test(contentType)) return undefined;
  const text = body.replace(/\r\n/g, '\n');
  return split(text, boundary).map((part) => {
    const ct = part.headers['content-type'] ?? '';
    const inner = boundaryOf(ct);
    if (/multipart\/mixed/i.test(ct) && inner) {
      const first = split(part.body, inner)[0];
      return first ? httpResult(first) : { status: 0, headers: {}, body: undefined, raw: '' };
    }
    return httpResult(part);
  });
}
