/**
 * The connection config: its JSON Schema (config.schema.json, the one place each fact is written)
 * and the resolved shape the connector works with, defaults taken from the schema.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { loadJsonSchema } from '../../engine/connector/load-schema.js';
import type { JsonSchema } from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';

export const configSchema: JsonSchema = loadJsonSchema(new URL('./config.schema.json', import.meta.url));

export const SL_VERSIONS = ['v1', 'v2'] as const;
export type SlVersion = (typeof SL_VERSIONS)[number];

/** A connections.yaml entry, as validated against config.schema.json (generated from it). */
import type { SapB1Config } from './config.generated.js';

export type { SapB1Config };

export interface ResolvedConfig {
  /** serviceUrl without a trailing slash. */
  serviceUrl: string;
  /** `<serviceUrl>/b1s/<version>`. */
  root: string;
  version: SlVersion;
  companyDb: string;
  username: string;
  password: string;
  language: string | undefined;
  pageSize: number;
  concurrency: number;
  timeoutMs: number;
  /** How long the Service Layer may still commit a request after the client gave up on it. */
  commitWindowMs: number;
  batch: boolean;
  reuseSession: boolean;
  logoutOnClose: boolean;
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  tls: { rejectUnauthorized: boolean; ca: string | undefined };
}

function defaultsOf(schema: JsonSchema): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(props)) {
    if (prop.type === 'object' && prop.properties) out[name] = defaultsOf(prop);
    else if (prop.default !== undefined) out[name] = prop.default;
  }
  return out;
}

const DEFAULTS = defaultsOf(configSchema) as Required<
  Pick<
    SapB1Config,
    'version' | 'pageSize' | 'concurrency' | 'timeoutMs' | 'commitWindowMs' | 'batch' | 'reuseSession' | 'logoutOnClose'
  >
> & {
  retry: ResolvedConfig['retry'];
  tls: { rejectUnauthorized: boolean };
};

export function resolveConfig(config: SapB1Config, baseDir: string): ResolvedConfig {
  const serviceUrl = config.serviceUrl.replace(/\/+$/, '');
  const version = config.version ?? DEFAULTS.version;
  let ca: string | undefined;
  if (config.tls?.caFile !== undefined) {
    const file = isAbsolute(config.tls.caFile) ? config.tls.caFile : resolve(baseDir, config.tls.caFile);
    try {
      ca = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new ConfigError('SAP_B1_CA_FILE', `tls.caFile ${file} cannot be read: ${(cause as Error).message}`, {
        cause,
      });
    }
  }
  return {
    serviceUrl,
    root: `${serviceUrl}/b1s/${version}`,
    version,
    companyDb: config.companyDb,
    username: config.username,
    password: config.password,
    language: config.language,
    pageSize: config.pageSize ?? DEFAULTS.pageSize,
    concurrency: Math.min(Math.max(1, config.concurrency ?? DEFAULTS.concurrency), 8),
    timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
    commitWindowMs: config.commitWindowMs ?? DEFAULTS.commitWindowMs,
    batch: config.batch ?? DEFAULTS.batch,
    reuseSession: config.reuseSession ?? DEFAULTS.reuseSession,
    logoutOnClose: config.logoutOnClose ?? DEFAULTS.logoutOnClose,
    retry: { ...DEFAULTS.retry, ...config.retry },
    tls: { rejectUnauthorized: config.tls?.rejectUnauthorized ?? DEFAULTS.tls.rejectUnauthorized, ca },
  };
}
