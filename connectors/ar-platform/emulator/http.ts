/**
 * Around each request of the Hono app (app.ts), served by the kit's server (engine/emulator-kit/
 * http-app.ts): tells the kit's Traffic what happened (request, aborted, responded), applies the
 * request-rate limit and the injected fault, writes the answer itself (so a dropped socket or a
 * proxy's 504 is exact) and logs the request in the counters.
 */
import type { IncomingMessage } from 'node:http';
import type { ArmedFault } from '../../../engine/emulator-kit/faults.js';
import { answerOf, type Answer, type EmulatorHandler } from '../../../engine/emulator-kit/http-app.js';
import { readBody } from '../../../engine/emulator-kit/http-io.js';
import { inDoubtFault, serveInDoubt } from '../../../engine/emulator-kit/in-doubt.js';
import type { Exchange, Traffic } from '../../../engine/emulator-kit/traffic.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { ArApp } from './app-context.js';
import type { Counters } from './counters.js';
import { IN_DOUBT_DEFAULTS, type FaultInjector, type FaultSpec } from './faults.js';
import type { RateLimiter } from './rate-limit.js';
import type { TokenRegistry } from './tokens.js';

export interface HttpDeps {
  app: ArApp;
  traffic: Traffic;
  faults: FaultInjector;
  tokens: TokenRegistry;
  counters: Counters;
  clock: Clock;
  /** The platform's request-rate limit, when configured. */
  limiter?: RateLimiter;
}

const json = (status: number, code: string, message: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  text: JSON.stringify({ error: { code, message } }),
});

/** The request handler the kit's server runs. */
export function arHandler(deps: HttpDeps): EmulatorHandler {
  return async (request, incoming, res) => {
    const url = new URL(request.url);
    const exchange = deps.traffic.open(incoming, res, request.method, url.pathname);
    let status = 0;
    const write = (a: Answer): void => {
      status ||= a.status;
      exchange.answer(a.status, () => {
        if (res.destroyed) return;
        res.writeHead(a.status, { ...a.headers, 'content-length': String(Buffer.byteLength(a.text)) });
        res.end(a.text);
      });
    };
    try {
      const body = await read(incoming, exchange);
      if (body === undefined) return;
      const query = url.search.slice(1);
      const wait = deps.limiter?.take();
      const fault =
        wait === undefined ? deps.faults.take({ method: request.method, path: url.pathname, query }) : undefined;
      exchange.received(decodeURIComponent(query), wait !== undefined ? 'rate-limit' : fault?.spec.kind, body);
      if (wait !== undefined) {
        write(json(429, 'rate_limited', 'request rate limit exceeded', { 'retry-after': String(wait) }));
        return;
      }
      const process = (): Promise<Answer> => answerOf(deps.app, request, body, { requestId: exchange.requestId });
      await serveWithFault(deps, fault, {
        exchange,
        write,
        process,
        authorization: request.headers.get('authorization'),
      });
    } finally {
      deps.counters.record({ method: request.method, path: url.pathname, query: url.search.slice(1), status });
      deps.traffic.finish();
    }
  };
}

/** The body, or undefined when the client went away before it was complete (nothing to process). */
async function read(incoming: IncomingMessage, exchange: Exchange): Promise<string | undefined> {
  try {
    return await readBody(incoming);
  } catch (err) {
    if (!incoming.socket.destroyed) throw err;
    exchange.drop();
    return undefined;
  }
}

interface Steps {
  exchange: Exchange;
  write(a: Answer): void;
  process(): Promise<Answer>;
  authorization: string | null;
}

async function serveWithFault(deps: HttpDeps, fault: ArmedFault<FaultSpec> | undefined, s: Steps): Promise<void> {
  if (fault === undefined) {
    s.write(await s.process());
    return;
  }
  const spec = fault.spec;
  switch (spec.kind) {
    case '429':
      s.write(
        json(429, 'rate_limited', 'too many requests; retry after the Retry-After interval', {
          'retry-after': String(spec.retryAfterSeconds ?? 1),
        }),
      );
      return;
    case '500':
      s.write(json(500, 'internal_error', 'the platform had an internal error'));
      return;
    case '503':
      s.write(
        json(
          503,
          'service_unavailable',
          'the platform is temporarily unavailable',
          spec.retryAfterSeconds === undefined ? {} : { 'retry-after': String(spec.retryAfterSeconds) },
        ),
      );
      return;
    case 'drop':
      s.exchange.drop();
      return;
    case 'expire-token':
      deps.tokens.expire(s.authorization ?? undefined);
      s.write(await s.process());
      return;
    case '500-after-commit':
      await s.process();
      s.write(json(500, 'internal_error', 'the platform had an internal error after saving'));
      return;
    default:
      await serveInDoubt(inDoubtFault(spec, fault.gate, IN_DOUBT_DEFAULTS)!, {
        exchange: s.exchange,
        clock: deps.clock,
        process: s.process,
        answer: s.write,
        answerGatewayTimeout: (g) =>
          s.write({ status: g.status, headers: { 'content-type': g.contentType }, text: g.body }),
      });
  }
}
