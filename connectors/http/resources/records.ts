/** The `records` resource: a REST collection read page by page, looked up by key, written one request per record. */
import type { ResourceDefinition } from '../../../engine/connector/types.js';
import { recordsOptionsSchema } from '../options.js';
import type { HttpResource } from './env.js';

const definition: ResourceDefinition = {
  description:
    'A REST/JSON collection: read in pages (next link, offset, page number, cursor or Link header), looked up by key, written one request per record (POST/PUT/PATCH/DELETE at URL templates).',
  roles: ['source', 'lookup', 'target'],
  key: 'id',
  optionsSchema: recordsOptionsSchema,
  capabilities: {
    bulkSize: 1,
    modes: ['create', 'upsert', 'mirror'],
    deleteActions: ['delete'],
    list: true,
    incremental: true,
  },
};

export const records: HttpResource = {
  name: 'records',
  definition,
  source: (env, options) => env.io.openSource(env, options),
  target: (env, options, binding) => env.io.openTargetWith(env, options, binding, definition.key),
};
