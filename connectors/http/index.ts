/**
 * The generic http connector: a REST/JSON API described by configuration, not code. The connection
 * says where the API is, how to authenticate and how patiently to call it; each resource's options
 * (in the pipeline) say where its records are, how pages follow each other, how a record is found
 * by key and how it is written.
 */
import type {
  Connection,
  ConnectorContext,
  ConnectorDefinition,
  DataRecord,
  ResourceDefinition,
  SourceResource,
  TargetBinding,
  TargetResource,
} from '../../engine/connector/types.js';
import { ConfigError } from '../../engine/errors.js';
import { ApiClient } from './client.js';
import { configSchema, resolveConfig, type HttpConfig } from './config.js';
import { batch } from './resources/batch.js';
import type { HttpResource, ResourceEnv } from './resources/env.js';
import { records } from './resources/records.js';

export type { HttpConfig } from './config.js';

export const HTTP_RESOURCES: readonly HttpResource[] = [records, batch];

const byName = new Map(HTTP_RESOURCES.map((r) => [r.name, r]));

function resource(name: string, role: 'source' | 'target'): HttpResource {
  const r = byName.get(name);
  if (!r || !r[role]) {
    const offered = HTTP_RESOURCES.filter((x) => x[role]).map((x) => x.name);
    throw new ConfigError('UNKNOWN_RESOURCE', `http has no ${role} resource "${name}" (${offered.join(', ')})`);
  }
  return r;
}

/**
 * The open connection is also what each resource opens on (`ResourceEnv`: the client and the
 * context), so that when resources open themselves (ResourceDefinition.openSource/openTarget on the
 * connection), `source`/`target` here simply go.
 */
export function openHttp(config: HttpConfig, context: ConnectorContext): Promise<Connection & ResourceEnv> {
  const client = new ApiClient(resolveConfig(config), context);
  const conn: Connection & ResourceEnv = {
    client,
    context,
    source: (name: string, options: DataRecord): SourceResource => resource(name, 'source').source!(conn, options),
    target: (name: string, options: DataRecord, binding: TargetBinding): TargetResource =>
      resource(name, 'target').target!(conn, options, binding),
    stats: () => client.stats(),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(conn);
}

export const httpConnector: ConnectorDefinition<HttpConfig> = {
  name: 'http',
  description:
    'Any REST/JSON API, configured instead of coded: OAuth2 client credentials, API key, basic or bearer auth; five pagination styles; per-record or batched writes; look-up by key; retries, rate limit and in-doubt rules.',
  configSchema,
  resources: Object.fromEntries(HTTP_RESOURCES.map((r) => [r.name, r.definition])) as Record<
    string,
    ResourceDefinition
  >,
  open: openHttp,
};
