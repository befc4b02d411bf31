/**
 * `$batch` bodies taken apart on their own (fact sheet §7): parts and change sets of a
 * `multipart/mixed` request, each part an HTTP request (request line, headers, body); the response's
 * parts, each with its status line. Lines end with CRLF or LF.
 */
export interface HttpPart {
  /** Headers of the MIME part (Content-Type, Content-ID, ...), lower-case names. */
  partHeaders: Record<string, string>;
  /** Index of the change set it belongs to, undefined outside one. */
  changeSet?: number;
  /** Request: method and URL; response: status. */
  method?: string;
  url?: string;
  status?: number;
  headers: Record<string, string>;
  body: string;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  return /boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
}

function splitHead(text: string): { head: string[]; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { head: text.split(/\r?\n/).filter((l) => l !== ''), body: '' };
  return { head: text.slice(0, m.index).split(/\r?\n/), body: text.slice(m.index + m[0].length) };
}

function headers(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function parts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter);
  if (chunks.length < 2) throw new Error(`no part delimited by ${delimiter}`);
  const out: string[] = [];
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    out.push(chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
  }
  return out;
}

function httpPart(raw: string, changeSet: number | undefined, kind: 'request' | 'response'): HttpPart {
  const mime = splitHead(raw);
  const inner = splitHead(mime.body);
  const [first = '', ...rest] = inner.head;
  const part: HttpPart = {
    partHeaders: headers(mime.head),
    ...(changeSet !== undefined && { changeSet }),
    headers: headers(rest),
    body: inner.body.replace(/\r?\n$/, ''),
  };
  if (kind === 'request') {
    const m = /^([A-Z]+) (\S+)(?: HTTP\/1\.[01])?$/.exec(first.trim());
    if (!m) throw new Error(`part request line ${JSON.stringify(first)} is not "METHOD URL HTTP/1.1"`);
    part.method = m[1]!;
    part.url = m[2]!;
  } else {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(first.trim());
    if (!m) throw new Error(`part status line ${JSON.stringify(first)} is not "HTTP/1.1 NNN ..."`);
    part.status = Number(m[1]);
  }
  return part;
}

/** The parts of a `$batch` request or response body, change sets flattened in order. */
export function parseBatch(body: string, contentType: string | undefined, kind: 'request' | 'response'): HttpPart[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error(`content-type ${contentType ?? '(none)'} has no multipart boundary`);
  const out: HttpPart[] = [];
  let changeSets = 0;
  for (const raw of parts(body, boundary)) {
    const { head, body: content } = splitHead(raw);
    const h = headers(head);
    const inner = boundaryOf(h['content-type']);
    if (h['content-type']?.startsWith('multipart/mixed') && inner) {
      const index = changeSets++;
      for (const p of parts(content, inner)) out.push(httpPart(p, index, kind));
    } else out.push(httpPart(raw, undefined, kind));
  }
  return out;
}
