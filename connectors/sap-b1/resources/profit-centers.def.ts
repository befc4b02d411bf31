/**
 * `profit-centers`: cost centers (OPRC) of a dimension; read and upsert. Creating one also creates
 * the same-code distribution rule in SAP, so its code works in journal lines' CostingCode at once.
 */
import type { ResourceDefinition } from '../../../engine/connector/types.js';
import { lengthCheck } from './field-limits.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import { MASTER_DATA_CAPABILITIES } from './types.js';

const LIMITS = { CenterCode: 8, CenterName: 30 };

export const profitCentersDefinition: ResourceDefinition = {
  description:
    'Profit centers / cost centers (ProfitCenters, OPRC); CostCenterType carries the division. Source by dimension; target upsert (a new center gets its same-code distribution rule), mirror deletes deactivate.',
  roles: ['source', 'lookup', 'target'],
  key: 'CenterCode',
  optionsSchema: objectSchema('Options of the profit-centers resource.', {
    ...COMMON_READ_OPTIONS,
    dimension: {
      description: 'Only centers of this dimension (InWhichDimension).',
      type: 'integer',
      minimum: 1,
      maximum: 5,
      examples: [1],
    },
    activeOnly: { description: 'Read only active centers.', type: 'boolean', default: false, examples: [true] },
  }),
  capabilities: MASTER_DATA_CAPABILITIES,
  check: lengthCheck(LIMITS),
};
