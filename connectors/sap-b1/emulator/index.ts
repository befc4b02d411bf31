/**
 * A stateful SAP Business One Service Layer emulator: a real HTTP server on loopback serving
 * /b1s/v1 and /b1s/v2, seeded with the demo company, with sessions, paging, the $filter subset,
 * business rules and per-test fault injection. See options.ts for the options and faults.ts for
 * the fault kinds.
 */
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './clock.js';
import { Counters } from './counters.js';
import type { Entity } from './edm/codec.js';
import type { EntitySetName } from './edm/model.js';
import { FaultRegistry } from './faults.js';
import { loadFixtures } from './fixtures.js';
import { resolveEmulatorOptions, type SapB1EmulatorOptions } from './options.js';
import { createEmulatorServer } from './server.js';
import { SessionRegistry } from './sessions.js';
import { EntityStore, type EntityState } from './store.js';

export type { SapB1EmulatorOptions, EmulatorUser } from './options.js';
export type { FaultSpec, FaultKind, Fault } from './faults.js';
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
  counters: Counters;
  faults: FaultRegistry;
  clock: EmulatorClock;
  sessions: SessionRegistry;
  /** Copies of the stored entities of a set. */
  entities(set: EntitySetName): Entity[];
  /** Every session is gone: the next request of any client gets 401 / 301. */
  expireAllSessions(): number;
  close(): Promise<void>;
}

export async function startSapB1Emulator(options: SapB1EmulatorOptions = {}): Promise<SapB1Emulator> {
  const resolved = resolveEmulatorOptions(options);
  const clock = new EmulatorClock();
  const store = new EntityStore();
  loadFixtures(store, resolved.fixturesDir, resolved.seed);
  const sessions = new SessionRegistry(clock, resolved.sessionTimeoutMs, resolved.nodes);
  const core = { options: resolved, store, sessions, clock, faults: new FaultRegistry(), counters: new Counters() };
  const server = createEmulatorServer(core, resolved.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${resolved.tls ? 'https' : 'http'}://${resolved.host}:${port}`,
    port,
    companyDb: resolved.companyDb,
    state: store.state,
    store,
    counters: core.counters,
    faults: core.faults,
    clock,
    sessions,
    entities: (set) => store.all(set).map((e) => structuredClone(e)),
    expireAllSessions: () => sessions.expireAll(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
