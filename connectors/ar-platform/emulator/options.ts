/** Options of the AR-platform emulator, with their defaults. */
import type { SteerableClock } from '../../../engine/emulator-kit/clock.js';
import type { RateLimit } from './rate-limit.js';
import type { ArSeed } from './seed.js';
import type { ClientCredentials } from './tokens.js';

export interface ArPlatformEmulatorOptions {
  /** Port to listen on (default 0: a free port). */
  port?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Access token lifetime in seconds (default 3600). */
  tokenTtlSeconds?: number;
  /** OAuth2 clients (default: the demo client). */
  clients?: ClientCredentials[];
  /** The data to start with (default: the demo seed; `{}` starts empty). */
  seed?: Partial<ArSeed>;
  /** At most `requests` calls per `perMs` (emulator clock); more get 429 with Retry-After. Default: no limit. */
  rateLimit?: RateLimit;
  /** Emulator time (token expiry, delays, timestamps); default real time plus an offset. */
  clock?: SteerableClock;
}

/** The demo client (a demo value, not a secret: it opens only this emulator). */
export const DEMO_CLIENT: ClientCredentials = { clientId: 'sluice-demo', clientSecret: 'ar-demo-secret' };
