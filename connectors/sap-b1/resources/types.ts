/** What a resource module provides: its definition and how to open it for reading or writing. */
import type {
  DataRecord,
  ResourceDefinition,
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

export interface SapB1Resource {
  definition: ResourceDefinition;
  openSource?(ctx: ResourceContext, options: DataRecord): SourceResource;
  openTarget?(ctx: ResourceContext, options: DataRecord, binding: TargetBinding): TargetResource;
}

/** Records per write call for targets (one request per record, `concurrency` in flight). */
export const TARGET_BULK_SIZE = 20;
