/** What one http resource module provides: its definition, and how to open it for reading or writing. */
import type {
  ConnectorContext,
  DataRecord,
  ResourceDefinition,
  SourceResource,
  TargetBinding,
  TargetResource,
} from '../../../engine/connector/types.js';
import type { ApiClient } from '../client.js';
import type * as Io from './io.js';

export interface ResourceEnv {
  client: ApiClient;
  context: ConnectorContext;
  /** The resources' reading and writing code (resources/io.ts), loaded when the connection opened. */
  io: typeof Io;
}

export interface HttpResource {
  name: string;
  definition: ResourceDefinition;
  source?(env: ResourceEnv, options: DataRecord): SourceResource;
  target?(env: ResourceEnv, options: DataRecord, binding: TargetBinding): TargetResource;
}
