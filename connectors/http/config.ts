/**
 * The connection config: `config.schema.json` is the truth; this is its TypeScript shape and the
 * defaults the schema declares, applied once.
 */
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { RetryPolicy } from '../../engine/runtime/retry.js';

export const configSchema = loadJsonSchema(new URL('./config.schema.json', import.meta.url));

export type HttpAuth =
  | { type: 'none' }
  | {
      type: 'oauth2-client-credentials';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      audience?: string;
      clientAuthentication?: 'basic' | 'body';
      refreshAheadSeconds?: number;
    }
  | { type: 'api-key'; header?: string; value: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

export interface HttpConfig {
  baseUrl: string;
  headers?: Record<string, string>;
  auth?: HttpAuth;
  timeoutMs?: number;
  commitWindowMs?: number;
  retry?: Partial<RetryPolicy> & { statuses?: number[]; refusedStatuses?: number[] };
  rateLimit?: { requests: number; perMs?: number };
}

export interface ResolvedHttpConfig {
  /** Always ends with `/`, so relative paths resolve below it. */
  baseUrl: URL;
  headers: Record<string, string>;
  auth: HttpAuth;
  timeoutMs: number;
  commitWindowMs: number;
  retry: RetryPolicy;
  retryStatuses: ReadonlySet<number>;
  /** Statuses that say the request was not processed (a write answered so is not in doubt). */
  refusedStatuses: ReadonlySet<number>;
  rateLimit: { requests: number; perMs: number } | undefined;
}

export function resolveConfig(config: HttpConfig): ResolvedHttpConfig {
  const base = new URL(config.baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return {
    baseUrl: base,
    headers: { ...config.headers },
    auth: config.auth ?? { type: 'none' },
    timeoutMs: config.timeoutMs ?? 30_000,
    commitWindowMs: config.commitWindowMs ?? 300_000,
    retry: {
      attempts: config.retry?.attempts ?? 4,
      baseDelayMs: config.retry?.baseDelayMs ?? 500,
      maxDelayMs: config.retry?.maxDelayMs ?? 30_000,
      maxRetryAfterMs: config.retry?.maxRetryAfterMs ?? 120_000,
    },
    retryStatuses: new Set(config.retry?.statuses ?? [429, 502, 503, 504]),
    refusedStatuses: new Set(config.retry?.refusedStatuses ?? [408, 429]),
    rateLimit: config.rateLimit && { requests: config.rateLimit.requests, perMs: config.rateLimit.perMs ?? 1000 },
  };
}

/** A path or URL resolved against the base URL; a leading `/` stays below the base path. */
export function resolveUrl(base: URL, pathOrUrl: string): URL {
  if (/^https?:\/\//i.test(pathOrUrl)) return new URL(pathOrUrl);
  return new URL(pathOrUrl.replace(/^\/+/, ''), base);
}
