/** Options of the Service Layer emulator, with their defaults. */
import { fileURLToPath } from 'node:url';
import type { SteerableClock } from '../../../engine/emulator-kit/clock.js';
import type { PeriodCategorySpec, RateSpec } from './company.js';
import type { Entity } from './edm/codec.js';
import type { EntitySetName } from './edm/model.js';
import type { NextLinkStyle } from './dialect.js';

export interface EmulatorUser {
  userName: string;
  password: string;
}

export interface SapB1EmulatorOptions {
  /** Port on 127.0.0.1 (default 0: a random free port). */
  port?: number;
  host?: string;
  /** Directory of `<EntitySet>.json` fixture files (default: the shipped demo company). */
  fixturesDir?: string;
  /** Extra entities added after the fixtures, e.g. `{ Projects: [...2000 projects] }`. */
  seed?: Partial<Record<EntitySetName, Entity[]>>;
  /** Idle timeout of a session (sliding), in minutes (default 30, as `b1s.conf`). */
  sessionTimeoutMinutes?: number;
  /** The same in seconds, for tests that expire sessions in real time; wins over minutes. */
  sessionTimeoutSeconds?: number;
  /** How long a Login takes (real servers take seconds; default 0). */
  loginDelayMs?: number;
  /** A Login arriving while another is in flight fails with 500 / 299 (default true). */
  rejectParallelLogins?: boolean;
  /** `PageSize` of b1s.conf (default 20; 0 disables paging). */
  defaultPageSize?: number;
  /** Company database the Login must name (default `SBO_NORTHWIND`). */
  companyDb?: string;
  /** Accepted users (default `manager` / `manager`). */
  users?: EmulatorUser[];
  /** Form of nextLink (default: v1 `/b1s/v1/X?..`, v2 `X?..`). */
  nextLinkStyle?: NextLinkStyle;
  /** String comparisons in $filter ignore case (SQL Server; default false as on HANA). */
  caseInsensitive?: boolean;
  /** Local and system currency (default: `Company.json` of the fixtures, else USD; system = local). */
  localCurrency?: string;
  systemCurrency?: string;
  /** Exchange rates added to the fixtures' `CurrencyRates.json` (local currency per unit, per day). */
  rates?: RateSpec[];
  /** Posting periods instead of the fixtures' `PostingPeriods.json` (`[]`: none defined, no check). */
  periods?: PeriodCategorySpec[];
  /** Load-balancer nodes to spread sessions over (ROUTEID `.node1`..; default 2). */
  nodes?: number;
  /** Serve https with this key and certificate (PEM) instead of http. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * The emulator's time: session idle timeouts, login and fault delays, dates stamped on entities,
   * event times. Default real time plus an offset (`emu.clock.advance`); pass a ManualClock (and the
   * same one to the connector) to run on test time.
   */
  clock?: SteerableClock;
}

export interface ResolvedEmulatorOptions extends Required<
  Omit<
    SapB1EmulatorOptions,
    | 'seed'
    | 'sessionTimeoutSeconds'
    | 'sessionTimeoutMinutes'
    | 'tls'
    | 'clock'
    | 'localCurrency'
    | 'systemCurrency'
    | 'rates'
    | 'periods'
  >
> {
  seed: Partial<Record<EntitySetName, Entity[]>>;
  sessionTimeoutMs: number;
  tls: SapB1EmulatorOptions['tls'];
}

export const DEMO_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/demo/', import.meta.url));

export function resolveEmulatorOptions(o: SapB1EmulatorOptions = {}): ResolvedEmulatorOptions {
  const timeoutMs =
    o.sessionTimeoutSeconds !== undefined ? o.sessionTimeoutSeconds * 1000 : (o.sessionTimeoutMinutes ?? 30) * 60_000;
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    fixturesDir: o.fixturesDir ?? DEMO_FIXTURES_DIR,
    seed: o.seed ?? {},
    sessionTimeoutMs: timeoutMs,
    loginDelayMs: o.loginDelayMs ?? 0,
    rejectParallelLogins: o.rejectParallelLogins ?? true,
    defaultPageSize: o.defaultPageSize ?? 20,
    companyDb: o.companyDb ?? 'SBO_NORTHWIND',
    users: o.users ?? [{ userName: 'manager', password: 'manager' }],
    nextLinkStyle: o.nextLinkStyle ?? 'version-default',
    caseInsensitive: o.caseInsensitive ?? false,
    nodes: o.nodes ?? 2,
    tls: o.tls,
  };
}
