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
  ResourceDefinition,
} from '../../engine/connector/types.js';
import type { ApiClient } from './client.js';
import { configSchema, resolveConfig, type HttpConfig } from './config.js';
import { batch } from './resources/batch.js';
import type { HttpResource, ResourceEnv } from './resources/env.js';
import { records } from './resources/records.js';

export type { HttpConfig } from './config.js';

export const HTTP_RESOURCES: readonly HttpResource[] = [records, batch];

/** The open connection: also what each resource opens on (`ResourceEnv`: the client and the context). */
export type HttpConnection = Connection & ResourceEnv;

/** A resource module as the contract's definition: it opens on the connection. */
function definitionOf(r: HttpResource): ResourceDefinition<HttpConnection> {
  const { source, target } = r;
  return {
    ...r.definition,
    ...(source && { openSource: (conn, options) => source(conn, options) }),
    ...(target && { openTarget: (conn, options, binding) => target(conn, options, binding) }),
  };
}

export async function openHttp(config: HttpConfig, context: ConnectorContext): Promise<HttpConnection> {
  // The HTTP client (auth, retries, got) loads when a connection opens, not when validate reads the definition.
  const [{ ApiClient }, io] = await Promise.all([import('./client.js'), import('./resources/io.js')]);
  const client: ApiClient = new ApiClient(resolveConfig(config), context);
  return { client, context, io, stats: () => client.stats(), close: () => Promise.resolve() };
}

export const httpConnector: ConnectorDefinition<HttpConfig, HttpConnection> = {
  name: 'http',
  description:
    'Any REST/JSON API, configured instead of coded: OAuth2 client credentials, API key, basic or bearer auth; five pagination styles; per-record or batched writes; look-up by key; retries, rate limit and in-doubt rules.',
  configSchema,
  resources: Object.fromEntries(HTTP_RESOURCES.map((r) => [r.name, definitionOf(r)])),
  open: openHttp,
};
