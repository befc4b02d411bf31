/**
 * A stateful SAP Business One Service Layer emulator: a real HTTP server on loopback serving
 * /b1s/v1 and /b1s/v2, seeded with the demo company, with sessions, paging, the $filter subset,
 * business rules, per-test fault injection and an event stream tests await. See options.ts for the
 * options, faults.ts for the fault kinds and events.ts for the events.
 */
import { EventLog } from '../../../engine/emulator-kit/events.js';
import { listenEmulator } from '../../../engine/emulator-kit/http-app.js';
import type { TrafficRecorder } from '../../../engine/emulator-kit/recorder.js';
import { Traffic, type IdleOptions } from '../../../engine/emulator-kit/traffic.js';
import { EmulatorClock } from './clock.js';
import { Counters } from './counters.js';
import type { Entity } from './edm/codec.js';
import type { EntitySetName } from './edm/model.js';
import type { SapB1EmulatorEvent, SapB1Events } from './events.js';
import { FaultRegistry } from './faults.js';
import type { CompanyFacts } from './company.js';
import { loadCompany, loadFixtures } from './fixtures.js';
import { resolveEmulatorOptions, type SapB1EmulatorOptions } from './options.js';
import { refuseExpectContinue, serviceLayerHandler } from './server.js';
import { SessionRegistry } from './sessions.js';
import { EntityStore, type EntityState } from './store.js';

export type { SapB1EmulatorOptions, EmulatorUser } from './options.js';
export type { CompanyFacts, FinancePeriod, PeriodCategorySpec, PeriodStatus, RateSpec } from './company.js';
export type { FaultSpec, FaultKind, Fault } from './faults.js';
export type { SapB1EmulatorEvent, SapB1CommittedEvent, SapB1Write, SapB1Events } from './events.js';
export type { Entity } from './edm/codec.js';
export type { EntitySetName } from './edm/model.js';
export { DEMO_FIXTURES_DIR } from './options.js';

export interface SapB1Emulator {
  /** `http://127.0.0.1:<port>` (https with the `tls` option): the connector's `serviceUrl`. */
  url: string;
  port: number;
  companyDb: string;
  /** Stored entities per entity set (key → entity, stored form); mutate freely in tests. */
  state: EntityState;
  store: EntityStore;
  /** Currencies, exchange rates and posting periods (mutable: `emu.company.setPeriodStatus('2025-03', 'ltLocked')`). */
  company: CompanyFacts;
  counters: Counters;
  faults: FaultRegistry;
  /** `request`, `aborted`, `responded` and `committed`, to await: `await emu.events.next('committed')`. */
  events: SapB1Events;
  clock: EmulatorClock;
  sessions: SessionRegistry;
  /** Copies of the stored entities of a set. */
  entities(set: EntitySetName): Entity[];
  /** Every session is gone: the next request of any client gets 401 / 301. */
  expireAllSessions(): number;
  /** Resolves when no request is being handled (with `connections`, also no client connection open). */
  idle(options?: IdleOptions): Promise<void>;
  /** Hands every later exchange, as it went over the wire, to `recorder` (emulator-kit/recorder.ts); returns the detach function. */
  recordTraffic(recorder: TrafficRecorder): () => void;
  close(): Promise<void>;
}

export async function startSapB1Emulator(options: SapB1EmulatorOptions = {}): Promise<SapB1Emulator> {
  const resolved = resolveEmulatorOptions(options);
  const clock = new EmulatorClock(options.clock);
  const store = new EntityStore(loadCompany(resolved.fixturesDir, options));
  loadFixtures(store, resolved.fixturesDir, resolved.seed);
  const sessions = new SessionRegistry(clock, resolved.sessionTimeoutMs, resolved.nodes);
  const events: SapB1Events = new EventLog<SapB1EmulatorEvent>(clock);
  const faults = new FaultRegistry();
  const traffic = new Traffic(events, () => clock.now());
  const core = { options: resolved, store, sessions, clock, faults, counters: new Counters(), events, traffic };
  const server = await listenEmulator(serviceLayerHandler(core), {
    host: resolved.host,
    port: resolved.port,
    ...(resolved.tls && { tls: resolved.tls }),
    traffic,
    counters: core.counters,
  });
  refuseExpectContinue(server.server);
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    companyDb: resolved.companyDb,
    state: store.state,
    store,
    company: store.company,
    counters: core.counters,
    faults,
    events,
    clock,
    sessions,
    entities: (set) => store.all(set).map((e) => structuredClone(e)),
    expireAllSessions: () => sessions.expireAll(),
    idle: (o) => traffic.idle(o),
    recordTraffic: (recorder) => traffic.record(recorder),
    close: () => {
      if (!closing) {
        faults.dropHeld();
        events.close('the SAP B1 emulator was closed');
        closing = server.close();
      }
      return closing;
    },
  };
}
