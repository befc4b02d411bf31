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
import { costObjectApprovers } from './resources/cost-object-approvers.js';
import { expenseReports } from './resources/expense-reports.js';
import { fisDocuments } from './resources/fis-documents.js';
import { listItems } from './resources/list-items.js';
import { paymentRequests } from './resources/payment-requests.js';
import { rechunk } from './resources/rechunk.js';
import type { ConcurResource, ResourceEnv } from './resources/resource.js';
import { users } from './resources/users.js';
import { vendors } from './resources/vendors.js';

export { listCodeProblems } from './resources/list-codes.js';
export type { ConcurConfig } from './config.js';

export const CONCUR_RESOURCES: readonly ConcurResource[] = [
  expenseReports,
  paymentRequests,
  fisDocuments,
  listItems,
  vendors,
  users,
  costObjectApprovers,
];

/** An open company-level connection: the client (tokens, geolocation) and what every resource opens with. */
export interface ConcurConnection extends Connection {
  readonly client: ConcurClient;
  readonly env: ResourceEnv;
}

/** A resource module as the contract's definition: it opens on the connection's environment. */
function definitionOf(r: ConcurResource): ResourceDefinition<ConcurConnection> {
  const { source, target } = r;
  return {
    ...r.definition,
    ...(source && {
      openSource(conn, options) {
        const inner = source(conn.env, options);
        return {
          read: (request) => rechunk(inner.read(request), request.pageSize),
          ...(inner.confirm && { confirm: inner.confirm.bind(inner) }),
        };
      },
    }),
    ...(target && { openTarget: (conn, options, binding) => target(conn.env, options, binding) }),
  };
}

export async function openConcur(config: ConcurConfig, context: ConnectorContext): Promise<ConcurConnection> {
  const resolved = resolveConfig(config);
  // The client (auth, HTTP) loads when a connection opens, not when the definition is read (validate).
  const { ConcurClient } = await import('./client.js');
  const client = new ConcurClient(resolved, context);
  const env: ResourceEnv = { client, config: resolved, context, clock: context.clock ?? systemClock };
  return { client, env, stats: () => client.stats(), close: async () => {} };
}

export const concurConnector: ConnectorDefinition<ConcurConfig, ConcurConnection> = {
  name: 'concur',
  description:
    'SAP Concur: expense reports, invoices, Financial Integration Service documents, lists, vendors, users and cost-object approvers.',
  configSchema,
  resources: Object.fromEntries(CONCUR_RESOURCES.map((r) => [r.name, definitionOf(r)])),
  open: openConcur,
};
