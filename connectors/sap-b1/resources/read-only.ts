/** Opening a resource that is only read (source and lookup roles) from one entity set. */
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import type { SapB1Openers } from './types.js';

export function readOnlyOpeners(spec: EntitySourceSpec): SapB1Openers {
  return { openSource: (ctx, options) => openEntitySource(ctx, spec, options) };
}
