/** Reading and upserting `projects` (projects.def.ts); inactive means Active tNO. */
import { where } from '../query.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import type { SapB1Openers } from './types.js';

const SOURCE: EntitySourceSpec = {
  entitySet: 'Projects',
  key: 'Code',
  cursorFields: {},
  baseFilter: (o) => (o.activeOnly === true ? where.eq('Active', 'tYES') : undefined),
};

const TARGET: MasterDataSpec = {
  entitySet: 'Projects',
  key: 'Code',
  deactivate: { Active: 'tNO' },
  isActive: (e) => e.Active !== 'tNO',
};

export const projectsOpeners: SapB1Openers = {
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options, binding) => openMasterDataTarget(ctx, TARGET, options, binding),
};
