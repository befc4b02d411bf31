/**
 * The connection config: the JSON Schema in `config.schema.json` is the truth; this is its
 * TypeScript shape and the defaults the schema declares, applied once.
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { RetryPolicy } from '../../engine/runtime/retry.js';

export const configSchema = loadJsonSchema(new URL('./config.schema.json', import.meta.url));

/** A connections.yaml entry, as validated against config.schema.json (generated from it). */
import type { ConcurConfig } from './config.generated.js';

export type { ConcurConfig };

export interface ResolvedConfig {
  clientId: string;
  clientSecret: string;
  companyUuid: string | undefined;
  requestToken: string | undefined;
  refreshToken: string | undefined;
  /** Origin of the token service for the first exchange. */
  authBase: string;
  /** Origin the seed refresh token belongs to. */
  seedGeolocation: string;
  systemId: string;
  timeoutMs: number;
  /** How long Concur may still commit a write after the client gave up on it. */
  commitWindowMs: number;
  refreshAheadMs: number;
  retry: RetryPolicy;
  provisioning: { pollIntervalMs: number; timeoutMs: number };
}

/** Origin of a URL: Concur returns `geolocation` as a base URL or as a full token URL. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

export function resolveConfig(config: ConcurConfig): ResolvedConfig {
  const authBase = originOf(config.authUrl ?? 'https://us.api.concursolutions.com');
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    companyUuid: config.companyUuid,
    requestToken: config.requestToken,
    refreshToken: config.refreshToken,
    authBase,
    seedGeolocation: config.geolocation ? originOf(config.geolocation) : authBase,
    systemId: config.systemId ?? 'sluice',
    timeoutMs: config.timeoutMs ?? 60_000,
    commitWindowMs: config.commitWindowMs ?? 1_800_000,
    refreshAheadMs: (config.refreshAheadSeconds ?? 300) * 1000,
    retry: {
      attempts: config.retry?.attempts ?? 5,
      baseDelayMs: config.retry?.baseDelayMs ?? 500,
      maxDelayMs: config.retry?.maxDelayMs ?? 30_000,
      maxRetryAfterMs: config.retry?.maxRetryAfterMs ?? 300_000,
    },
    provisioning: {
      pollIntervalMs: config.provisioning?.pollIntervalMs ?? 5000,
      timeoutMs: config.provisioning?.timeoutMs ?? 7_200_000,
    },
  };
}
