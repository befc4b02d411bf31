/**
 * The SAP Concur connector: a company-level connection (request token once, then rotating refresh
 * tokens kept in the state store; every call routed to the token's geolocation) and its resources.
 */
import type {
  Connection,
  ConnectorContext,
  ConnectorDefinition,
  ResourceDefinition,
} from '../../engine/connector/types.js';
import { systemClock } from '../../engine/runtime/clock.js';
import type { ConcurClient } from './client.js';
import { configSchema, resolveConfig, type ConcurConfig } from './config.js';
import { CONCUR_DEFINITIONS } from './resources/definitions.js';
import { rechunk } from './resources/rechunk.js';
import type { ConcurDefinition, ConcurOpeners, ResourceEnv } from './resources/resource.js';

export { listCodeProblems } from './resources/list-codes.js';
export type { ConcurConfig } from './config.js';

/** An open company-level connection: the client (tokens, geolocation) and what every resource opens with. */
export interface ConcurConnection extends Connection {
  readonly client: ConcurClient;
  readonly env: ResourceEnv;
  /** How each resource opens (resources/openers.ts): the read and write code, loaded when the connection opens. */
  readonly openers: Readonly<Record<string, ConcurOpeners>>;
}

/** How resource `name` opens for `kind`, from the open connection (definitions and openers agree: openers.test.ts). */
function opener<K extends keyof ConcurOpeners>(
  conn: ConcurConnection,
  name: string,
  kind: K,
): NonNullable<ConcurOpeners[K]> {
  const open = conn.openers[name]?.[kind];
  if (!open) throw new Error(`concur resource ${name} has no ${kind}`);
  return open;
}

/**
 * A resource definition as the contract's: it opens on the connection's environment, with the read
 * and write code the connection loaded (validate reads the definition only).
 */
function definitionOf({ name, definition }: ConcurDefinition): ResourceDefinition<ConcurConnection> {
  const reads = definition.roles.includes('source') || definition.roles.includes('lookup');
  return {
    ...definition,
    ...(reads && {
      openSource(conn, options) {
        const inner = opener(conn, name, 'source')(conn.env, options);
        return {
          read: (request) => rechunk(inner.read(request), request.pageSize),
          ...(inner.confirm && { confirm: inner.confirm.bind(inner) }),
        };
      },
    }),
    ...(definition.roles.includes('target') && {
      openTarget: (conn, options, binding) => opener(conn, name, 'target')(conn.env, options, binding),
    }),
  };
}

export async function openConcur(config: ConcurConfig, context: ConnectorContext): Promise<ConcurConnection> {
  const resolved = resolveConfig(config);
  // The client (auth, HTTP) and the resources' read and write code (resources/openers.ts) load when a
  // connection opens, not when the definition is read (validate).
  const [{ ConcurClient }, { CONCUR_OPENERS }] = await Promise.all([
    import('./client.js'),
    import('./resources/openers.js'),
  ]);
  const client = new ConcurClient(resolved, context);
  const env: ResourceEnv = { client, config: resolved, context, clock: context.clock ?? systemClock };
  return { client, env, openers: CONCUR_OPENERS, stats: () => client.stats(), close: async () => {} };
}

export const concurConnector: ConnectorDefinition<ConcurConfig, ConcurConnection> = {
  name: 'concur',
  description:
    'SAP Concur: expense reports, invoices, Financial Integration Service documents, lists, vendors, users and cost-object approvers.',
  configSchema,
  resources: Object.fromEntries(CONCUR_DEFINITIONS.map((d) => [d.name, definitionOf(d)])),
  open: openConcur,
};
