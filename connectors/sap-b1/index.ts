/**
 * The SAP Business One Service Layer connector: source, lookup and target over /b1s/v1 or /b1s/v2,
 * with one login per run (sessions reused across runs), safe paging and queries, and create-only
 * posted documents guarded against duplicates. Facts: ../../../shared/reference/sap-b1-service-layer.md.
 */
import type { ConnectorDefinition, ResourceDefinition } from '../../engine/connector/types.js';
import { configSchema, resolveConfig, type SapB1Config } from './config.js';
import type { SapB1Connection } from './connection.js';
import { SAP_B1_RESOURCES } from './resources/index.js';
import type { SapB1Resource } from './resources/types.js';

/** A resource module as the contract's definition: it opens on the connection's resource context. */
function definitionOf(r: SapB1Resource): ResourceDefinition<SapB1Connection> {
  const { openSource, openTarget } = r;
  return {
    ...r.definition,
    ...(openSource && { openSource: (conn, options) => openSource(conn.resourceContext, options) }),
    ...(openTarget && {
      openTarget: (conn, options, binding) => openTarget(conn.resourceContext, options, binding),
    }),
  };
}

export type { SapB1Config } from './config.js';
export type { SapB1Stats, CloseOptions } from './connection.js';
export type { SapB1Connection } from './connection.js';
export { buildQuery, where, literal, renderFilter, whereToFilter, keySegment, type Filter } from './query.js';

export const sapB1Connector: ConnectorDefinition<SapB1Config, SapB1Connection> = {
  name: 'sap-b1',
  description:
    'SAP Business One Service Layer (v1/v2): business partners, cost centers, projects, chart of accounts, journal entries, open invoices, employees; creates journal entries, payments and credit notes without duplicates.',
  configSchema,
  resources: Object.fromEntries(Object.entries(SAP_B1_RESOURCES).map(([name, r]) => [name, definitionOf(r)])),
  // Opening does no network I/O: the session is obtained with the first call.
  open: async (config, context) => {
    // The connection (session, HTTP, batching) loads when it opens, not when validate reads the definition.
    const { SapB1Connection } = await import('./connection.js');
    return new SapB1Connection(resolveConfig(config, context.baseDir), context);
  },
};
