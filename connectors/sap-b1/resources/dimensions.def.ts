/** `dimensions`: the five cost accounting dimensions (ODIM) and whether each is active. */
import { ACTIVE_ONLY_OPTION, readOnlyDefinition, type EntitySet } from './read-only.def.js';

export const DIMENSIONS: EntitySet = { entitySet: 'Dimensions', key: 'DimensionCode', cursorFields: {} };

export const dimensionsDefinition = readOnlyDefinition(
  'Cost accounting dimensions (Dimensions, ODIM) with their active flag.',
  DIMENSIONS,
  { activeOnly: ACTIVE_ONLY_OPTION },
);
