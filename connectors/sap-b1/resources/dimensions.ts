/** `dimensions`: the five cost accounting dimensions (ODIM) and whether each is active. */
import { where } from '../query.js';
import { ACTIVE_ONLY_OPTION, readOnlyResource } from './read-only.js';

export const dimensions = readOnlyResource(
  'Cost accounting dimensions (Dimensions, ODIM) with their active flag.',
  {
    entitySet: 'Dimensions',
    key: 'DimensionCode',
    cursorFields: {},
    baseFilter: (o) => (o.activeOnly === true ? where.eq('IsActive', 'tYES') : undefined),
  },
  { activeOnly: ACTIVE_ONLY_OPTION },
);
