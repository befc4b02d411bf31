/**
 * The SAP Business One Service Layer connector: source, lookup and target over /b1s/v1 or /b1s/v2,
 * with one login per run (sessions reused across runs), safe paging and queries, and create-only
 * posted documents guarded against duplicates. Facts: ../../../shared/reference/sap-b1-service-layer.md.
 */
import type { ConnectorDefinition, ResourceDefinition } from '../../engine/connector/types.js';
import { configSchema, resolveConfig, type SapB1Config } from './config.js';
import type { SapB1Connection } from './connection.js';
import { SAP_B1_DEFINITIONS } from './resources/definitions.js';
import type { SapB1Openers } from './resources/types.js';

/** How resource `name` opens for `kind`, from the open connection (definitions and openers agree: openers.test.ts). */
function opener<K extends keyof SapB1Openers>(
  conn: SapB1Connection,
  name: string,
  kind: K,
): NonNullable<SapB1Openers[K]> {
  const open = conn.openers[name]?.[kind];
  if (!open) throw new Error(`sap-b1 resource ${name} has no ${kind}`);
  return open;
}

/**
 * A resource definition as the contract's: it opens on the connection's resource context, with the
 * read and write code the connection loaded (validate reads the definition only).
 */
function definitionOf(name: string, def: ResourceDefinition): ResourceDefinition<SapB1Connection> {
  const reads = def.roles.includes('source') || def.roles.includes('lookup');
  return {
    ...def,
    ...(reads && { openSource: (conn, options) => opener(conn, name, 'openSource')(conn.resourceContext, options) }),
    ...(def.roles.includes('target') && {
      openTarget: (conn, options, binding) => opener(conn, name, 'openTarget')(conn.resourceContext, options, binding),
    }),
  };
}

export type { SapB1Config } from './config.js';
export type { SapB1Stats, CloseOptions } from './connection.js';
export type { SapB1Connection } from './connection.js';

export const sapB1Connector: ConnectorDefinition<SapB1Config, SapB1Connection> = {
  name: 'sap-b1',
  description:
    'SAP Business One Service Layer (v1/v2): business partners, cost centers, projects, chart of accounts, journal entries, open invoices, employees; creates journal entries, payments and credit notes without duplicates.',
  configSchema,
  resources: Object.fromEntries(Object.entries(SAP_B1_DEFINITIONS).map(([name, d]) => [name, definitionOf(name, d)])),
  // Opening does no network I/O: the session is obtained with the first call.
  open: async (config, context) => {
    // The connection (session, HTTP, batching) and the resources' read and write code (resources/openers.ts)
    // load when it opens, not when validate reads the definition.
    const { SapB1Connection } = await import('./connection.js');
    return new SapB1Connection(resolveConfig(config, context.baseDir), context);
  },
};
