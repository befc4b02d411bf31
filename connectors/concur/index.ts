/**
 * The SAP Concur connector: a company-level connection (request token once, then rotating refresh
 * tokens kept in the state store; every call routed to the token's geolocation) and its resources.
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

const byName = new Map(CONCUR_RESOURCES.map((r) => [r.name, r]));

function resource(name: string, role: 'source' | 'target'): ConcurResource {
  const r = byName.get(name);
  if (!r || !r[role]) {
    const offered = CONCUR_RESOURCES.filter((x) => x[role]).map((x) => x.name);
    throw new ConfigError('UNKNOWN_RESOURCE', `concur has no ${role} resource "${name}" (${offered.join(', ')})`);
  }
  return r;
}

export async function openConcur(
  config: ConcurConfig,
  context: ConnectorContext,
): Promise<Connection & { client: ConcurClient }> {
  const resolved = resolveConfig(config);
  // The client (auth, HTTP) loads when a connection opens, not when the definition is read (validate).
  const { ConcurClient } = await import('./client.js');
  const client = new ConcurClient(resolved, context);
  const env: ResourceEnv = { client, config: resolved, context, clock: context.clock ?? systemClock };
  return {
    client,
    source(name: string, options: DataRecord): SourceResource {
      const inner = resource(name, 'source').source!(env, options);
      return {
        read: (request) => rechunk(inner.read(request), request.pageSize),
        ...(inner.confirm && { confirm: inner.confirm.bind(inner) }),
      };
    },
    target(name: string, options: DataRecord, binding: TargetBinding): TargetResource {
      return resource(name, 'target').target!(env, options, binding);
    },
    stats: () => client.stats(),
    close: async () => {},
  };
}

export const concurConnector: ConnectorDefinition<ConcurConfig> = {
  name: 'concur',
  description:
    'SAP Concur: expense reports, invoices, Financial Integration Service documents, lists, vendors, users and cost-object approvers.',
  configSchema,
  resources: Object.fromEntries(CONCUR_RESOURCES.map((r) => [r.name, r.definition])) as Record<
    string,
    ResourceDefinition
  >,
  open: openConcur,
};
