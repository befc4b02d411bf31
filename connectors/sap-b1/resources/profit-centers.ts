/** Reading and upserting `profit-centers` (profit-centers.def.ts); inactive means Active tNO. */
import { where } from '../query.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import type { SapB1Openers } from './types.js';

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
};

export const profitCentersOpeners: SapB1Openers = {
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options, binding) => openMasterDataTarget(ctx, TARGET, options, binding),
};
