/** Reading `dimensions` (dimensions.def.ts): `activeOnly` filters on IsActive. */
import { where } from '../query.js';
import { DIMENSIONS } from './dimensions.def.js';
import { readOnlyOpeners } from './read-only.js';

export const dimensionsOpeners = readOnlyOpeners({
  ...DIMENSIONS,
  baseFilter: (o) => (o.activeOnly === true ? where.eq('IsActive', 'tYES') : undefined),
});
