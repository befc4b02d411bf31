/** Reading and upserting `business-partners` (business-partners.def.ts); inactive means frozen. */
import { where } from '../query.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import type { SapB1Openers } from './types.js';

const SOURCE: EntitySourceSpec = {
  entitySet: 'BusinessPartners',
  key: 'CardCode',
  cursorFields: { UpdateDate: 'date', CreateDate: 'date' },
  baseFilter: (o) => (typeof o.cardType === 'string' ? where.eq('CardType', o.cardType) : undefined),
};

const TARGET: MasterDataSpec = {
  entitySet: 'BusinessPartners',
  key: 'CardCode',
  // B1 marks an inactive partner as frozen (OCRD.frozenFor).
  deactivate: { Frozen: 'tYES' },
  isActive: (e) => e.Frozen !== 'tYES' && e.Valid !== 'tNO',
};

export const businessPartnersOpeners: SapB1Openers = {
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options, binding) => openMasterDataTarget(ctx, TARGET, options, binding),
};
