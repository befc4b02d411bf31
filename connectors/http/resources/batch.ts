/** The `batch` resource: a REST collection whose API takes arrays of records in one request, with a result per item. */
import type { ResourceDefinition } from '../../../engine/connector/types.js';
import { batchOptionsSchema } from '../options.js';
import type { HttpResource } from './env.js';

const definition: ResourceDefinition = {
  description:
    'A REST/JSON collection written in batches: creates go up to batch.maxItems records per request, a refused item is parked on its own; updates and deletes go one request per record; look-up and listing as for records.',
  roles: ['target'],
  key: 'id',
  optionsSchema: batchOptionsSchema,
  capabilities: { bulkSize: 1000, modes: ['create', 'upsert', 'mirror'], deleteActions: ['delete'], list: true },
};

export const batch: HttpResource = {
  name: 'batch',
  definition,
  target: (env, options, binding) =>
    env.io.openTargetWith(env, options, binding, definition.key, env.io.batchWriter(env.client)),
};
