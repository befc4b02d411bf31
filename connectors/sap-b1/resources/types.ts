/**
 * What the resource modules provide: each resource's definition (`<name>.def.ts`, gathered in
 * definitions.ts: what validate reads) and how it opens for reading or writing (`<name>.ts`,
 * gathered in openers.ts, loaded with the connection).
 */
import type {
  DataRecord,
  ResourceCapabilities,
  SourceResource,
  TargetBinding,
  TargetResource,
} from '../../../engine/connector/types.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { Logger } from '../../../engine/runtime/logger.js';
import type { ServiceLayerClient } from '../client.js';

export interface ResourceContext {
  client: ServiceLayerClient;
  logger: Logger;
  /** "Today" for postings without a date (the connection's clock). */
  clock: Clock;
}

/** How one resource opens: `openSource` for the source and lookup roles, `openTarget` for target. */
export interface SapB1Openers {
  openSource?(ctx: ResourceContext, options: DataRecord): SourceResource;
  openTarget?(ctx: ResourceContext, options: DataRecord, binding: TargetBinding): TargetResource;
}

/** Records per write call for targets (one request per record, `concurrency` in flight). */
export const TARGET_BULK_SIZE = 20;

/** What the master-data resources (projects, profit centers, business partners) take as a target. */
export const MASTER_DATA_CAPABILITIES = {
  bulkSize: TARGET_BULK_SIZE,
  modes: ['create', 'upsert', 'mirror'],
  deleteActions: ['deactivate'],
  list: true,
} as const satisfies ResourceCapabilities;
