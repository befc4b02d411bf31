/** The definition of a resource that is only read (source and lookup roles) from one entity set. */
import type { JsonSchema, ResourceDefinition } from '../../../engine/connector/types.js';
import type { EntitySourceSpec } from './entity-source.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';

/** The entity set a read-only resource reads (its source spec without the filter, which opens with it). */
export type EntitySet = Pick<EntitySourceSpec, 'entitySet' | 'key' | 'cursorFields'>;

export function readOnlyDefinition(
  description: string,
  set: EntitySet,
  extraOptions: Record<string, JsonSchema> = {},
): ResourceDefinition {
  return {
    description,
    roles: ['source', 'lookup'],
    key: set.key,
    optionsSchema: objectSchema(`Options of the ${set.entitySet} source.`, {
      ...COMMON_READ_OPTIONS,
      ...extraOptions,
    }),
    capabilities: Object.keys(set.cursorFields).length > 0 ? { incremental: true } : {},
  };
}

export const ACTIVE_ONLY_OPTION = {
  description: 'Read only active entries.',
  type: 'boolean',
  default: false,
  examples: [true],
};
