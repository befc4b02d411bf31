/**
 * `profit-centers`: cost centers (OPRC) of a dimension; read and upsert. Creating one also creates
 * the same-code distribution rule in SAP, so its code works in journal lines' CostingCode at once.
 */
import { where } from '../query.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { masterDataCheck, openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import { TARGET_BULK_SIZE, type SapB1Resource } from './types.js';

const SOURCE: EntitySourceSpec = {
  entitySet: 'ProfitCenters',
  key: 'CenterCode',
  cursorFields: {},
  baseFilter: (o) =>
    where.and(
      typeof o.dimension === 'number' ? where.eq('InWhichDimension', o.dimension) : undefined,
      o.activeOnly === true ? where.eq('Active', 'tYES') : undefined,
    ),
};

const TARGET: MasterDataSpec = {
  entitySet: 'ProfitCenters',
  key: 'CenterCode',
  deactivate: { Active: 'tNO' },
  isActive: (e) => e.Active !== 'tNO',
  limits: { CenterCode: 8, CenterName: 30 },
};

export const profitCenters: SapB1Resource = {
  definition: {
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
    capabilities: {
      bulkSize: TARGET_BULK_SIZE,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['deactivate'],
      list: true,
    },
    check: masterDataCheck(TARGET),
  },
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options, binding) => openMasterDataTarget(ctx, TARGET, options, binding),
};
