/** A resource that is only read (source and lookup roles) from one entity set. */
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import type { SapB1Resource } from './types.js';

export function readOnlyResource(
  description: string,
  spec: EntitySourceSpec,
  extraOptions: Record<string, Record<string, unknown>> = {},
): SapB1Resource {
  return {
    definition: {
      description,
      roles: ['source', 'lookup'],
      key: spec.key,
      optionsSchema: objectSchema(`Options of the ${spec.entitySet} source.`, {
        ...COMMON_READ_OPTIONS,
        ...extraOptions,
      }),
      capabilities: Object.keys(spec.cursorFields).length > 0 ? { incremental: true } : {},
    },
    openSource: (ctx, options) => openEntitySource(ctx, spec, options),
  };
}

export const ACTIVE_ONLY_OPTION = {
  description: 'Read only active entries.',
  type: 'boolean',
  default: false,
  examples: [true],
};
