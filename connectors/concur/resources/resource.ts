/**
 * What the Concur resource modules provide: each resource's definition (`<name>.def.ts`, gathered
 * in definitions.ts: what validate reads) and how it opens for reading or writing (`<name>.ts`,
 * gathered in openers.ts, loaded when a connection opens).
 */
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

export interface ConcurDefinition {
  name: string;
  definition: ResourceDefinition;
}

/** How one resource opens: `source` for the source and lookup roles, `target` for target. */
export interface ConcurOpeners {
  source?(env: ResourceEnv, options: DataRecord): SourceResource;
  target?(env: ResourceEnv, options: DataRecord, binding: TargetBinding): TargetResource;
}
