/**
 * An AR-platform emulator (accounts receivable / cash application): a real HTTP server on loopback
 * with OAuth2 client credentials, customers, open invoices, payments with remittance lines,
 * deductions and credit limits, two paging styles and injectable faults. The API is the emulator's
 * own design, not a real vendor's (docs/emulators.md describes it). Pipelines reach it through the
 * generic `http` connector.
 *
 *   const emu = await startArPlatformEmulator({ tokenTtlSeconds: 60 });
 *   emu.faults.add({ method: 'GET', path: '/v1/payments', kind: '429', retryAfterSeconds: 2 });
 *   await emu.events.next('committed', (e) => e.resource === 'invoices');
 *   emu.counters.requests['GET /v1/payments'];   // emu.counters.log: every request, in order
 *   emu.recordTraffic((exchange) => exchanges.push(exchange));
 *   await emu.close();
 */
import { OffsetClock, type SteerableClock } from '../../../engine/emulator-kit/clock.js';
import { EventLog } from '../../../engine/emulator-kit/events.js';
import { listenEmulator } from '../../../engine/emulator-kit/http-app.js';
import type { TrafficRecorder } from '../../../engine/emulator-kit/recorder.js';
import { Traffic, type IdleOptions } from '../../../engine/emulator-kit/traffic.js';
import { buildApp } from './app.js';
import { Counters } from './counters.js';
import type { ArEmulatorEvent, ArEvents } from './events.js';
import { FaultInjector } from './faults.js';
import { arHandler } from './http.js';
import { DEMO_CLIENT, type ArPlatformEmulatorOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { DEMO_SEED } from './seed.js';
import { ArState } from './state.js';
import { ArStore } from './store.js';
import { TokenRegistry, type ClientCredentials } from './tokens.js';

export type { ArPlatformEmulatorOptions } from './options.js';
export type { FaultKind, FaultSpec, FaultHandle } from './faults.js';
export type { ArEmulatorEvent, ArCommittedEvent, ArEvents } from './events.js';
export type * from './model.js';
export { DEMO_SEED } from './seed.js';
export { DEMO_CLIENT } from './options.js';

export interface ArPlatformEmulator {
  /** Origin, e.g. http://127.0.0.1:41234; the API is under /v1. */
  readonly url: string;
  readonly tokenUrl: string;
  readonly credentials: ClientCredentials;
  readonly state: ArState;
  readonly store: ArStore;
  readonly faults: FaultInjector;
  readonly events: ArEvents;
  readonly counters: Counters;
  readonly tokens: TokenRegistry;
  readonly clock: SteerableClock;
  /** Resolves when no request is being handled (with `connections`, none is open either). */
  idle(options?: IdleOptions): Promise<void>;
  /** Hands every later exchange, as it went over the wire, to `recorder` (emulator-kit/recorder.ts); returns the detach function. */
  recordTraffic(recorder: TrafficRecorder): () => void;
  close(): Promise<void>;
}

export async function startArPlatformEmulator(options: ArPlatformEmulatorOptions = {}): Promise<ArPlatformEmulator> {
  const clock = options.clock ?? new OffsetClock();
  const events = new EventLog<ArEmulatorEvent>(clock);
  const store = new ArStore(clock);
  const state = new ArState(store);
  state.seed(options.seed ?? DEMO_SEED);
  const clients = options.clients ?? [DEMO_CLIENT];
  const tokens = new TokenRegistry(clients, options.tokenTtlSeconds ?? 3600, clock);
  const counters = new Counters();
  const faults = new FaultInjector();
  const traffic = new Traffic(events, () => clock.now());
  const app = buildApp({ store, tokens, events, counters });
  const limiter = options.rateLimit && new RateLimiter(options.rateLimit, clock);
  const server = await listenEmulator(
    arHandler({ app, traffic, faults, tokens, counters, clock, ...(limiter && { limiter }) }),
    { host: options.host ?? '127.0.0.1', port: options.port ?? 0, traffic, counters },
  );
  const url = server.url;
  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    credentials: clients[0] as ClientCredentials,
    state,
    store,
    faults,
    events,
    counters,
    tokens,
    clock,
    idle: (o) => traffic.idle(o),
    recordTraffic: (recorder) => traffic.record(recorder),
    close: async () => {
      faults.dropHeld();
      await server.close();
      events.close();
    },
  };
}
