/** What one Concur resource module provides: its definition, and how to open it for reading or writing. */
import type {
  ConnectorContext,
  DataRecord,
  ResourceDefinition,
  SourceResource,
  TargetBinding,
  TargetResource,
} from '../../../engine/connector/types.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { ConcurClient } from '../client.js';
import type { ResolvedConfig } from '../config.js';

export interface ResourceEnv {
  client: ConcurClient;
  config: ResolvedConfig;
  context: ConnectorContext;
  /** Time for polling waits and deadlines: `context.clock`, else the system clock. */
  clock: Clock;
}

export interface ConcurResource {
  name: string;
  definition: ResourceDefinition;
  source?(env: ResourceEnv, options: DataRecord): SourceResource;
  target?(env: ResourceEnv, options: DataRecord, binding: TargetBinding): TargetResource;
}
