/**
 * A small configurable REST/JSON server on a loopback port for the http connector's tests: one
 * collection of items (server-assigned `id`, natural key `externalId`), listed in every pagination
 * style (`/{style}/items`, style = plain (also `/items`) | next | offset | page | cursor | link), looked up by key,
 * written one at a time or in batches, behind the auth mode the test chooses, with one-shot faults
 * (a status with Retry-After, a request that commits and never answers, a connection dropped after
 * the commit). Time comes from the test's clock; tests await its events instead of sleeping.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventLog } from '../../engine/emulator-kit/events.js';
import { listStyle } from './test-paging.js';
import type { Clock } from '../../engine/runtime/clock.js';

export type Item = Record<string, unknown> & { id: string; externalId: string };

export type ServerAuth =
  | { type: 'none' }
  | { type: 'oauth'; clientId: string; clientSecret: string; expiresIn: number }
  | { type: 'api-key'; header: string; value: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'hang-after-commit' }
  | { kind: 'drop-after-commit' }
  /** A slow request: held without an answer; `release()` commits it later, and its answer is lost. */
  | { kind: 'hold' }
  /** No fault: lets one matching request through, so the next fault hits a later one. */
  | { kind: 'pass' };

export type TestEvent =
  | { type: 'request'; method: string; path: string; query: Record<string, string>; authorization?: string }
  | { type: 'token'; token: string }
  | { type: 'committed'; op: 'create' | 'update' | 'delete'; id: string; externalId: string };

export interface TestServer {
  baseUrl: string;
  items: Map<string, Item>;
  events: EventLog<TestEvent>;
  /** Faults for the next requests matching `method path` (path prefix), used once each, in order. */
  fail(method: string, pathPrefix: string, ...faults: Fault[]): void;
  requests(method?: string, pathPrefix?: string): Extract<TestEvent, { type: 'request' }>[];
  seed(records: Record<string, unknown>[]): Item[];
  /** Commits the held (`hold`) requests; their clients gave up long ago. */
  release(): void;
  /** Forgets every OAuth token issued (the next request with one gets a 401). */
  revokeTokens(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTestServer(clock: Clock, auth: ServerAuth = { type: 'none' }): Promise<TestServer> {
  const items = new Map<string, Item>();
  const events = new EventLog<TestEvent>(clock);
  const faults: { method: string; prefix: string; fault: Fault }[] = [];
  const tokens = new Map<string, number>();
  let nextId = 1;
  let nextToken = 1;
  const held: ServerResponse[] = [];
  const holding: (() => void)[] = [];

  const create = (r: Record<string, unknown>): Item => {
    const item = { ...r, id: `c${nextId++}` } as Item;
    items.set(item.id, item);
    events.emit({ type: 'committed', op: 'create', id: item.id, externalId: item.externalId });
    return item;
  };
  /** Why a new record is refused, or undefined. */
  const refuse = (r: Record<string, unknown>): string | undefined => {
    if (typeof r.externalId !== 'string' || r.externalId === '') return 'externalId is required';
    if (r.name === 'REJECT') return 'name REJECT is not allowed';
    if ([...items.values()].some((i) => i.externalId === r.externalId)) return `externalId ${r.externalId} exists`;
    return undefined;
  };
  const sorted = (): Item[] => [...items.values()].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));

  const authorised = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization;
    switch (auth.type) {
      case 'none':
        return true;
      case 'api-key':
        return req.headers[auth.header.toLowerCase()] === auth.value;
      case 'basic':
        return h === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      case 'bearer':
        return h === `Bearer ${auth.token}`;
      case 'oauth': {
        const expires = tokens.get(h?.replace(/^Bearer /, '') ?? '');
        return expires !== undefined && clock.now() < expires;
      }
    }
  };

  const token = (req: IncomingMessage, raw: string, res: ServerResponse): void => {
    if (auth.type !== 'oauth') return send(res, 404, { error: 'no token endpoint' });
    const form = new URLSearchParams(raw);
    const basic = req.headers.authorization?.startsWith('Basic ')
      ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
      : undefined;
    const [id, secret] = basic ?? [form.get('client_id'), form.get('client_secret')];
    if (form.get('grant_type') !== 'client_credentials' || id !== auth.clientId || secret !== auth.clientSecret)
      return send(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    const t = `tok-${nextToken++}`;
    tokens.set(t, clock.now() + auth.expiresIn * 1000);
    events.emit({ type: 'token', token: t });
    send(res, 200, { access_token: t, token_type: 'Bearer', expires_in: auth.expiresIn });
  };

  const list = (style: string, q: URLSearchParams, res: ServerResponse, base: string): void => {
    const { status, body, headers } = listStyle(style, sorted(), q, base);
    send(res, status, body, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, base: string, again?: string): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const raw = again ?? (await readBody(req));
    if (again === undefined)
      events.emit({
        type: 'request',
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        ...(req.headers.authorization && { authorization: req.headers.authorization }),
      });
    if (method === 'POST' && path === '/oauth/token') return token(req, raw, res);
    const at = again === undefined ? faults.findIndex((f) => f.method === method && path.startsWith(f.prefix)) : -1;
    const picked = at >= 0 ? faults.splice(at, 1)[0]!.fault : undefined;
    const fault = picked?.kind === 'pass' ? undefined : picked;
    if (fault?.kind === 'status')
      return send(
        res,
        fault.status,
        fault.body ?? { message: `injected ${fault.status}` },
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    if (!authorised(req)) return send(res, 401, { message: 'unauthorised' });
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const after = (): void => {
      // The commit happened; now the answer is lost.
      if (fault?.kind === 'hang-after-commit') held.push(res);
      else if (fault?.kind === 'drop-after-commit') req.socket.destroy();
    };
    if (fault?.kind === 'hold') {
      holding.push(() => {
        req.socket.destroy();
        void handle(req, res, base, raw);
      });
      return;
    }
    const m = /^\/(?:(\w+)\/)?items$/.exec(path);
    if (method === 'GET' && m) return list(m[1] ?? 'plain', url.searchParams, res, base);
    const byKey = /^\/items\/by-key\/([^/]+)$/.exec(path);
    if (method === 'GET' && byKey) {
      const item = [...items.values()].find((i) => i.externalId === decodeURIComponent(byKey[1]!));
      return item ? send(res, 200, item) : send(res, 404, { message: 'not found' });
    }
    if (method === 'POST' && path === '/items') {
      const why = refuse(body as Record<string, unknown>);
      if (why) return send(res, why.endsWith('exists') ? 409 : 422, { message: why });
      const item = create(body as Record<string, unknown>);
      if (fault) return after();
      return send(res, 201, item, { location: `/items/${item.id}` });
    }
    if (method === 'POST' && path === '/items/batch') {
      const results = ((body as { items: Record<string, unknown>[] }).items ?? []).map((r) => {
        const why = refuse(r);
        return why ? { status: 422, error: { message: why } } : { status: 201, id: create(r).id };
      });
      if (fault) return after();
      return send(res, 200, { results });
    }
    const one = /^\/items\/([^/]+)$/.exec(path);
    const existing = one ? items.get(decodeURIComponent(one[1]!)) : undefined;
    if (one && !existing) return send(res, 404, { message: 'not found' });
    if (existing && (method === 'PUT' || method === 'PATCH')) {
      const next = { ...(method === 'PATCH' ? existing : {}), ...(body as object), id: existing.id } as Item;
      items.set(existing.id, next);
      events.emit({ type: 'committed', op: 'update', id: next.id, externalId: next.externalId });
      if (fault) return after();
      return send(res, 200, next);
    }
    if (existing && method === 'DELETE') {
      items.delete(existing.id);
      events.emit({ type: 'committed', op: 'delete', id: existing.id, externalId: existing.externalId });
      return send(res, 204);
    }
    send(res, 404, { message: `no route ${method} ${path}` });
  };

  const server = createServer((req, res) => {
    handle(req, res, baseUrl).catch((err: unknown) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    items,
    events,
    fail: (method, prefix, ...list) => faults.push(...list.map((fault) => ({ method, prefix, fault }))),
    requests: (method, prefix) =>
      events.all('request', (e) => (!method || e.method === method) && (!prefix || e.path.startsWith(prefix))),
    seed: (records) => records.map((r) => create(r)),
    revokeTokens: () => tokens.clear(),
    release: () => holding.splice(0).forEach((commit) => commit()),
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      events.close('the test server closed');
    },
  };
}
