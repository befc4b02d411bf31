/**
 * A stateful SAP Concur emulator: real HTTP servers on loopback, one origin per data center
 * (region), seeded from fixture files. Tests, the demo and pipeline authors run it locally.
 *
 *   const emu = await startConcurEmulator({ accessTokenTtlSeconds: 2 });
 *   emu.faults.add({ path: '/list/v4/lists', method: 'GET', kind: '429', retryAfterSeconds: 0, times: 2 });
 *   ... run the connector against emu.baseUrl with emu.credentials ...
 *   expect(emu.count({ method: 'POST', path: '/list/v4/lists/:listId/bulk' })).toBe(1);
 *   await emu.close();
 */
import { OffsetClock, type SteerableClock } from '../../../engine/emulator-kit/clock.js';
import { EventLog } from '../../../engine/emulator-kit/events.js';
import { listenEmulator, type EmulatorServer } from '../../../engine/emulator-kit/http-app.js';
import type { TrafficRecorder } from '../../../engine/emulator-kit/recorder.js';
import { Traffic, type IdleOptions } from '../../../engine/emulator-kit/traffic.js';
import type { ConcurEmulatorEvent, ConcurEvents } from './events.js';
import { applySeed, DEMO_FIXTURES_DIR, loadFixtures } from './fixtures.js';
import { regionHandler } from './dispatch.js';
import { FaultInjector } from './faults.js';
import { resolveOptions, type ConcurEmulatorOptions, type ResolvedOptions } from './options.js';
import { RequestLog, type LoggedRequest, type RequestFilter } from './request-log.js';
import { RouteTable, type EmuContext } from './router.js';
import { expenseRoutes } from './routes/expense.js';
import { fisRoutes } from './routes/fis.js';
import { identityRoutes } from './routes/identity.js';
import { invoiceRoutes } from './routes/invoice.js';
import { listBulkRoutes } from './routes/list-bulk.js';
import { listRoutes } from './routes/lists.js';
import { oauthRoutes } from './routes/oauth.js';
import { provisioningRoutes } from './routes/provisioning.js';
import { vendorRoutes } from './routes/vendors.js';
import { EmulatorState } from './state.js';
import { TokenRegistry } from './tokens.js';

export type { ConcurEmulatorOptions } from './options.js';
export type { FaultKind, FaultSpec, FaultHandle } from './faults.js';
export type { ConcurEmulatorEvent, ConcurCommittedEvent, ConcurEvents, CommittedResource } from './events.js';
export type { LoggedRequest, RequestFilter } from './request-log.js';
export type { FixtureSeed, FixtureSet } from './fixtures.js';
export { EmulatorState } from './state.js';
export { DEMO_FIXTURES_DIR } from './fixtures.js';

export const ALL_ROUTES = [
  ...oauthRoutes,
  ...expenseRoutes,
  ...invoiceRoutes,
  ...vendorRoutes,
  ...listRoutes,
  ...listBulkRoutes,
  ...fisRoutes,
  ...identityRoutes,
  ...provisioningRoutes,
];

export interface ConcurEmulatorCredentials {
  clientId: string;
  clientSecret: string;
  companyUuid: string;
  requestToken: string;
}

export interface ConcurEmulator {
  /** Origin per region, e.g. { us: 'http://127.0.0.1:41001', eu: 'http://127.0.0.1:41002' }. */
  readonly regions: Record<string, string>;
  /** Origin of the region the company lives in. */
  readonly baseUrl: string;
  /** Token URL of the company's region. */
  readonly tokenUrl: string;
  /** Region the company lives in. */
  readonly companyRegion: string;
  /** Credentials from the fixtures (first client, first request token). */
  readonly credentials: ConcurEmulatorCredentials;
  readonly state: EmulatorState;
  readonly options: ResolvedOptions;
  readonly faults: FaultInjector;
  /** `request`, `aborted`, `responded` and `committed`, to await: `await emu.events.next('committed')`. */
  readonly events: ConcurEvents;
  /** The emulator's time (token lifetimes, delays); `advance` it to let tokens lapse. */
  readonly clock: SteerableClock;
  readonly tokens: TokenRegistry;
  /** Every request answered so far (the log of the kit's counters, engine/emulator-kit/counters.ts). */
  readonly requests: LoggedRequest[];
  count(filter?: RequestFilter): number;
  find(filter?: RequestFilter): LoggedRequest[];
  /** Requests per route template, e.g. { 'GET /list/v4/lists/:listId/children': 21 }. */
  counters(): Record<string, number>;
  clearLog(): void;
  /** Every access token issued so far stops working (as after its lifetime). */
  expireAllTokens(): void;
  /** Every refresh token is revoked (the integration must re-onboard with a request token). */
  revokeRefreshTokens(): void;
  /** Resolves when no request is being handled (with `connections`, also no client connection open). */
  idle(options?: IdleOptions): Promise<void>;
  /** Hands every later exchange, as it went over the wire, to `recorder` (emulator-kit/recorder.ts); returns the detach function. */
  recordTraffic(recorder: TrafficRecorder): () => void;
  close(): Promise<void>;
}

export async function startConcurEmulator(options: ConcurEmulatorOptions = {}): Promise<ConcurEmulator> {
  const base = loadFixtures(options.fixturesDir ?? DEMO_FIXTURES_DIR);
  const seed = typeof options.seed === 'function' ? undefined : options.seed;
  const state = new EmulatorState(applySeed(base, seed));
  if (typeof options.seed === 'function') options.seed(state);
  const resolved = resolveOptions(options, state.company.region);
  const clock = options.clock ?? new OffsetClock();
  const events: ConcurEvents = new EventLog<ConcurEmulatorEvent>(clock);
  const tokens = new TokenRegistry(
    () => ({
      accessMs: resolved.accessTokenTtlSeconds * 1000,
      refreshMs: resolved.refreshTokenTtlSeconds * 1000,
      rotate: resolved.rotateRefreshTokens,
    }),
    () => clock.now(),
  );
  const origins: Record<string, string> = {};
  const ctx: EmuContext = {
    state,
    options: resolved,
    tokens,
    clock,
    events,
    regionOrigin: (region) => {
      const origin = origins[region];
      if (!origin) throw new Error(`unknown region ${region}`);
      return origin;
    },
  };
  const log = new RequestLog();
  const faults = new FaultInjector();
  const traffic = new Traffic(events, () => clock.now());
  const deps = { routes: new RouteTable(ALL_ROUTES), ctx, faults, log, traffic };
  const servers: EmulatorServer[] = [];
  try {
    for (const [i, region] of resolved.regions.entries()) {
      const server = await listenEmulator(regionHandler(region, deps), {
        host: resolved.host,
        port: resolved.port === 0 ? 0 : resolved.port + i,
        traffic,
        counters: log,
      });
      servers.push(server);
      origins[region] = server.url;
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  const baseUrl = origins[resolved.companyRegion]!;
  const client = state.company.clients[0];
  let closing: Promise<void> | undefined;
  return {
    regions: { ...origins },
    baseUrl,
    tokenUrl: `${baseUrl}/oauth2/v0/token`,
    companyRegion: resolved.companyRegion,
    credentials: {
      clientId: client?.clientId ?? '',
      clientSecret: client?.clientSecret ?? '',
      companyUuid: state.company.companyUuid,
      requestToken: state.company.requestTokens[0] ?? '',
    },
    state,
    options: resolved,
    faults,
    events,
    clock,
    tokens,
    requests: log.log,
    count: (f) => log.filter(f).length,
    find: (f) => log.filter(f),
    counters: () => ({ ...log.requests }),
    clearLog: () => log.reset(),
    expireAllTokens: () => tokens.expireAllAccessTokens(),
    revokeRefreshTokens: () => tokens.revokeAllRefreshTokens(),
    idle: (o) => traffic.idle(o),
    recordTraffic: (recorder) => traffic.record(recorder),
    close: () => {
      faults.dropHeld();
      events.close('the Concur emulator was closed');
      closing ??= Promise.all(servers.map((s) => s.close())).then(() => undefined);
      return closing;
    },
  };
}
