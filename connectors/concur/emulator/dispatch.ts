/**
 * One request, as the kit's server (engine/emulator-kit/http-app.ts) hands it over: match a route,
 * apply an injected fault, check the bearer token (only tokens issued by this region are honoured),
 * run the handler, log, answer. In-doubt faults (delay, hold, proxy-504) are served by the emulator
 * kit; `drop-after-commit` drops only what a handler ran for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorHandler } from '../../../engine/emulator-kit/http-app.js';
import { readBody, sendText } from '../../../engine/emulator-kit/http-io.js';
import { inDoubtFault, serveInDoubt } from '../../../engine/emulator-kit/in-doubt.js';
import { wireRequestHeaders } from '../../../engine/emulator-kit/recorder.js';
import type { Exchange, Traffic } from '../../../engine/emulator-kit/traffic.js';
import { errorResponse } from './error-bodies.js';
import { IN_DOUBT_DEFAULTS, type FaultHandle, type FaultInjector, type FaultSpec } from './faults.js';
import type { LoggedRequest, RequestLog } from './request-log.js';
import {
  familyOfPath,
  type ApiFamily,
  type EmuContext,
  type EmuRequest,
  type EmuResponse,
  type RouteTable,
} from './router.js';
import { MAX_BODY_BYTES, parseBody, redactForm, send } from './http-io.js';

export interface DispatchDeps {
  routes: RouteTable;
  ctx: EmuContext;
  faults: FaultInjector;
  log: RequestLog;
  traffic: Traffic;
}

type LogBase = Omit<LoggedRequest, 'seq' | 'status'>;

/** The handler of one region's server. */
export function regionHandler(region: string, deps: DispatchDeps): EmulatorHandler {
  return (_request, req, res) => handle(region, req, res, deps);
}

async function handle(region: string, req: IncomingMessage, res: ServerResponse, deps: DispatchDeps): Promise<void> {
  const origin = deps.ctx.regionOrigin(region);
  const url = new URL(req.url ?? '/', origin);
  const method = (req.method ?? 'GET').toUpperCase();
  const exchange = deps.traffic.open(req, res, method, url.pathname);
  try {
    let rawBody: string;
    try {
      rawBody = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (!req.socket.destroyed) throw err;
      exchange.drop(); // the client went away before its body was complete: nothing to process
      return;
    }
    await dispatch(exchange, { region, origin, url, method, rawBody }, req, res, deps);
  } finally {
    deps.traffic.finish();
  }
}

interface Incoming {
  region: string;
  origin: string;
  url: URL;
  method: string;
  rawBody: string;
}

/** The in-doubt kinds the kit serves here (`drop-after-commit` drops only what a handler ran for, below). */
function inDoubt(taken: FaultHandle | undefined): ReturnType<typeof inDoubtFault> {
  if (!taken || taken.spec.kind === 'drop-after-commit') return undefined;
  return inDoubtFault(taken.spec, taken.gate, IN_DOUBT_DEFAULTS);
}

async function dispatch(
  exchange: Exchange,
  incoming: Incoming,
  req: IncomingMessage,
  res: ServerResponse,
  deps: DispatchDeps,
): Promise<void> {
  const { ctx, routes, faults, log } = deps;
  const { region, origin, url, method, rawBody } = incoming;
  const body = parseBody(rawBody, req.headers['content-type']);
  const match = routes.match(method, url.pathname);
  const route = match.route;
  const family = route?.family ?? familyOfPath(url.pathname);
  const logBase: LogBase = {
    at: ctx.clock.now(),
    region,
    method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    route: route?.key,
    family,
    requestHeaders: wireRequestHeaders(req.headers),
    ...(ctx.options.logBodies && body !== undefined && { requestBody: redactForm(body) }),
  };
  const taken = faults.take({ method, path: url.pathname, query: url.search.replace(/^\?/, ''), region });
  const fault = taken?.spec;
  exchange.received(url.search.replace(/^\?/, ''), fault?.kind, rawBody);
  const withFault = fault ? { fault: fault.kind } : {};
  const logged = (response: EmuResponse, extra: Partial<LoggedRequest> = {}): void => {
    log.add({
      ...logBase,
      status: response.status,
      ...(ctx.options.logBodies && response.body !== undefined && { responseBody: response.body }),
      ...withFault,
      ...extra,
    });
  };
  let handlerRan = false;
  const process = async (): Promise<EmuResponse> => {
    if (!route) {
      return errorResponse(family, match.methodMismatch ? 405 : 404, `No route for ${method} ${url.pathname}`, {
        path: url.pathname,
      });
    }
    if (fault && /^\d{3}$/.test(fault.kind)) return faultResponse(fault, family, url.pathname);
    const emuReq: EmuRequest = {
      method,
      url,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      params: match.params,
      region,
      origin,
      requestId: exchange.requestId,
    };
    const authFailure = route.auth ? authorize(emuReq, ctx, fault) : undefined;
    if (authFailure) {
      return errorResponse(family, authFailure.status, authFailure.message, {
        path: url.pathname,
        id: 'security.access.denied',
      });
    }
    handlerRan = true;
    return route.handler(emuReq, ctx);
  };
  const answer = (response: EmuResponse): void => exchange.answer(response.status, () => send(res, response));

  const doubt = inDoubt(taken);
  if (doubt) {
    let processed: EmuResponse | undefined;
    await serveInDoubt(doubt, {
      exchange,
      clock: ctx.clock,
      process: async () => (processed = await process()),
      answer: (response) => {
        logged(response);
        answer(response);
      },
      answerGatewayTimeout: (a) => exchange.answer(a.status, () => sendText(res, a.status, a.contentType, a.body)),
    });
    if (!processed) logged({ status: 0 }, { dropped: true });
    else if (doubt.kind === 'proxy-504') logged({ status: 504 }, { committedStatus: processed.status });
    return;
  }
  let response = await process();
  if (fault?.kind === 'rewrite-body' && fault.rewrite && response.body !== undefined) {
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    response = { ...response, body: text.replace(fault.rewrite.from, fault.rewrite.to) };
  }
  if (fault?.kind === 'drop-after-commit' && handlerRan) {
    logged({ status: response.status }, { dropped: true });
    exchange.drop();
    return;
  }
  logged(response);
  answer(response);
}

function authorize(
  req: EmuRequest,
  ctx: EmuContext,
  fault: FaultSpec | undefined,
): { status: number; message: string } | undefined {
  const check = ctx.tokens.checkAccess(headerValue(req.headers.authorization), req.region);
  if (!check.ok) {
    if (check.reason === 'missing') return { status: 401, message: 'Authorization header missing' };
    const why = check.reason === 'wrong-region' ? 'token was not issued by this data center' : `token ${check.reason}`;
    return { status: ctx.options.expiredTokenStatus, message: `Invalid access token: ${why}` };
  }
  if (fault?.kind === 'expire-token') {
    ctx.tokens.expire(check.info.accessToken);
    return { status: ctx.options.expiredTokenStatus, message: 'Invalid access token: token expired' };
  }
  req.token = check.info;
  return undefined;
}

function faultResponse(fault: FaultSpec, family: ApiFamily, path: string): EmuResponse {
  const status = Number(fault.kind);
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  else if (status === 429 && family === 'list') headers['retry-after'] = '0';
  const message =
    {
      400: 'Bad request (injected)',
      404: 'Not found (injected)',
      429: 'Too many requests',
      503: 'Service unavailable',
    }[status] ?? 'Internal server error';
  return { ...errorResponse(family, status, message, { path }), headers };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
