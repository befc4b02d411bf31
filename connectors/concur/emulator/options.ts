/** Emulator options and their defaults. */
import type { SteerableClock } from '../../../engine/emulator-kit/clock.js';
import type { FixtureSeed } from './fixtures.js';
import type { UserCreateRules } from './scim-create-rules.js';
import type { EmulatorState } from './state.js';

export interface ConcurEmulatorOptions {
  /** Port of the first region; the other regions take the following ports. Default 0 (random). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory with fixture JSON files; default the shipped demo company. */
  fixturesDir?: string;
  /** Extra data on top of the fixtures: arrays to append, or a function that edits the state. */
  seed?: FixtureSeed | ((state: EmulatorState) => void);
  /** Region names, each served on its own loopback origin. Default ['us', 'eu']. */
  regions?: string[];
  /** Region the company lives in; default the fixture's `company.region`. */
  companyRegion?: string;
  /** Access token lifetime. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime (extended by every refresh). Default 180 days. */
  refreshTokenTtlSeconds?: number;
  /** Status for an expired or foreign token: Concur documents both. Default 401. */
  expiredTokenStatus?: 401 | 403;
  /** `expires_in` as `"3600"` (apidoc) or `3600` (TMC guide). Default 'string'. */
  expiresInAs?: 'string' | 'number';
  /** `refresh_expires_in` form; default 'number' (absolute epoch seconds). */
  refreshExpiresInAs?: 'number' | 'string' | 'absent';
  /** `geolocation` as a base URL or as the full token URL (company-refresh-tool form). Default 'base'. */
  geolocationStyle?: 'base' | 'token-url';
  /** Issue a new refresh token on every refresh and reject the old one (code 108). Default true. */
  rotateRefreshTokens?: boolean;
  /** Status polls a SCIM bulk request reports as pending before it completes. Default 1. */
  provisionPendingPolls?: number;
  /**
   * What a user create must carry (scim-create-rules.ts). `spec` (default): every attribute the UPS
   * spec marks required, `timezone`, `preferredLanguage`, enterprise `companyId` and `startDate`, spend
   * `cashAdvanceAccountCode` included. `docs`: only what the docs require, with their documented
   * defaults for `timezone` (America/New_York) and `preferredLanguage` (en-US).
   */
  userCreateRules?: UserCreateRules;
  /** Keep request and response bodies in the request log. Default true. */
  logBodies?: boolean;
  /**
   * The emulator's time: token lifetimes, fault delays, event and log times. Default real time plus
   * an offset (`emu.clock.advance`); pass a ManualClock (and the same one to the code under test) to
   * run on test time.
   */
  clock?: SteerableClock;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  regions: string[];
  companyRegion: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  expiredTokenStatus: 401 | 403;
  expiresInAs: 'string' | 'number';
  refreshExpiresInAs: 'number' | 'string' | 'absent';
  geolocationStyle: 'base' | 'token-url';
  rotateRefreshTokens: boolean;
  provisionPendingPolls: number;
  userCreateRules: UserCreateRules;
  logBodies: boolean;
}

export function resolveOptions(options: ConcurEmulatorOptions, fixtureRegion: string): ResolvedOptions {
  const regions = options.regions && options.regions.length > 0 ? options.regions : ['us', 'eu'];
  const companyRegion = options.companyRegion ?? (regions.includes(fixtureRegion) ? fixtureRegion : regions[0]!);
  if (!regions.includes(companyRegion)) {
    throw new Error(`concur emulator: company region "${companyRegion}" is not one of ${regions.join(', ')}`);
  }
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    regions,
    companyRegion,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 180 * 24 * 3600,
    expiredTokenStatus: options.expiredTokenStatus ?? 401,
    expiresInAs: options.expiresInAs ?? 'string',
    refreshExpiresInAs: options.refreshExpiresInAs ?? 'number',
    geolocationStyle: options.geolocationStyle ?? 'base',
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    provisionPendingPolls: options.provisionPendingPolls ?? 1,
    userCreateRules: options.userCreateRules ?? 'spec',
    logBodies: options.logBodies ?? true,
  };
}
