/**
 * `POST /b1s/vN/$batch` (fact sheet §7): a multipart/mixed body of requests and change sets, run
 * in order with the caller's session. A change set is atomic (rolled back when one of its requests
 * fails) and answers with one error for the whole set; processing stops at the first failure.
 * v1 answers 202 Accepted, v2 200 OK, as multipart `batchresponse_..` / `changesetresponse_..`.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { header, type EmulatorCore, type EmulatorRequest, type Reply } from './core.js';
import { handleServiceRequest } from './functions.js';
import { faults, ServiceLayerFault } from './errors.js';
import { WriteJournal } from './events.js';
import { parseJsonObject } from './http-io.js';

interface Part {
  headers: Record<string, string>;
  body: string;
}

type BatchItem = { kind: 'request'; part: Part } | { kind: 'changeset'; parts: Part[] };

function boundaryOf(contentType: string | undefined): string {
  const m = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  if (!m || !/multipart\/mixed/i.test(contentType ?? '')) throw faults.badRequest('Incomplete Batch Request Body!');
  return m[2] as string;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function splitParts(body: string, boundary: string): Part[] {
  const text = body.replace(/\r\n/g, '\n');
  const segments = text.split(`--${boundary}`);
  if (segments.length < 3 || !(segments.at(-1) ?? '').startsWith('--'))
    throw faults.badRequest('Incomplete Batch Request Body!');
  return segments.slice(1, -1).map((seg) => {
    const s = seg.replace(/^\n/, '');
    const blank = s.indexOf('\n\n');
    if (blank < 0) throw faults.badRequest('Incomplete Batch Request Body!');
    return { headers: parseHeaders(s.slice(0, blank)), body: s.slice(blank + 2).replace(/\n$/, '') };
  });
}

function items(body: string, contentType: string | undefined): BatchItem[] {
  return splitParts(body, boundaryOf(contentType)).map((part): BatchItem => {
    const ct = part.headers['content-type'] ?? '';
    if (/multipart\/mixed/i.test(ct)) {
      const parts = splitParts(part.body, boundaryOf(ct));
      for (const p of parts)
        if (/^GET /.test(p.body)) throw faults.badRequest('A change set must not contain GET requests');
      return { kind: 'changeset', parts };
    }
    return { kind: 'request', part };
  });
}

/** Runs one `application/http` part as a request of the same session and version. */
function runPart(core: EmulatorCore, outer: EmulatorRequest, part: Part, journal: WriteJournal): Reply {
  const text = part.body;
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [requestLine = '', ...headerLines] = head.split('\n');
  const m = /^(GET|POST|PATCH|PUT|MERGE|DELETE) (\S+)(?: HTTP\/1\.1)?$/.exec(requestLine.trim());
  if (!m) throw faults.badRequest('Incomplete Batch Request Body!');
  const target = (m[2] as string)
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(new RegExp(`^/b1s/${outer.dialect.version}/`), '');
  const q = target.indexOf('?');
  const req: EmulatorRequest = {
    ...outer,
    method: m[1] as string,
    path: decodeURIComponent(q < 0 ? target : target.slice(0, q)),
    rawQuery: q < 0 ? '' : target.slice(q + 1),
    headers: { host: outer.headers.host, cookie: outer.headers.cookie, ...parseHeaders(headerLines.join('\n')) },
    body: parseJsonObject(body),
    journal,
  };
  core.counters.count(`${req.method} ${req.path.replace(/\(.*$/, '')}`);
  return handleServiceRequest(core, req);
}

function asReply(core: EmulatorCore, outer: EmulatorRequest, run: () => Reply): Reply {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof ServiceLayerFault)) throw err;
    return { status: err.httpStatus, json: outer.dialect.errorBody(err) };
  }
}

function httpPart(outer: EmulatorRequest, reply: Reply, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  const inner = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`];
  const body = reply.json === undefined ? '' : JSON.stringify(reply.json);
  if (body !== '') inner.push(`Content-Type: ${outer.dialect.headers['content-type']}`);
  for (const [k, v] of Object.entries(reply.headers ?? {})) inner.push(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  return `${lines.join('\r\n')}\r\n\r\n${inner.join('\r\n')}\r\n\r\n${body}`;
}

export function handleBatch(core: EmulatorCore, req: EmulatorRequest, rawBody: string): Reply {
  const all = items(rawBody, header(req, 'content-type'));
  const boundary = `batchresponse_${randomUUID()}`;
  const out: string[] = [];
  for (const [index, item] of all.entries()) {
    const journal = new WriteJournal();
    if (item.kind === 'request') {
      const reply = asReply(core, req, () => runPart(core, req, item.part, journal));
      out.push(httpPart(req, reply, item.part.headers['content-id']));
      if (reply.status >= 400) break;
      journal.commit(core.events, req.requestId, index);
      continue;
    }
    const changes = core.store.begin();
    const replies: { reply: Reply; id: string | undefined }[] = [];
    let failed: Reply | undefined;
    try {
      for (const part of item.parts) {
        const reply = asReply(core, req, () => runPart(core, req, part, journal));
        if (reply.status >= 400) {
          failed = reply;
          break;
        }
        replies.push({ reply, id: part.headers['content-id'] });
      }
    } catch (err) {
      changes.rollback();
      throw err;
    }
    if (failed) {
      changes.rollback();
      out.push(httpPart(req, failed));
      break;
    }
    changes.end();
    journal.commit(core.events, req.requestId, index);
    const cs = `changesetresponse_${randomUUID()}`;
    const inner = replies.map((r) => `--${cs}\r\n${httpPart(req, r.reply, r.id)}\r\n`).join('') + `--${cs}--`;
    out.push(`Content-Type: multipart/mixed;boundary=${cs}\r\n\r\n${inner}`);
  }
  const body = out.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
  return {
    status: req.dialect.version === 'v1' ? 202 : 200,
    text: { contentType: `multipart/mixed;boundary=${boundary}`, body },
    headers: req.dialect.version === 'v1' ? { dataserviceversion: '3.0' } : { 'odata-version': '4.0' },
  };
}
