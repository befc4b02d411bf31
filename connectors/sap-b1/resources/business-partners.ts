/** `business-partners`: customers, suppliers (incl. employees as suppliers) and leads; read and upsert. */
import { where } from '../query.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { masterDataCheck, openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import { TARGET_BULK_SIZE, type SapB1Resource } from './types.js';

export const CARD_TYPES = ['cCustomer', 'cSupplier', 'cLid'] as const;

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
  limits: { CardCode: 15, CardName: 100, FederalTaxID: 32 },
};

export const businessPartners: SapB1Resource = {
  definition: {
    description:
      'Business partners (BusinessPartners, OCRD): customers, suppliers and leads. Source incrementally by UpdateDate; target upsert (POST, PATCH of changed fields incl. CreditLimit, ETag-checked), mirror deletes deactivate (Frozen).',
    roles: ['source', 'lookup', 'target'],
    key: 'CardCode',
    optionsSchema: objectSchema('Options of the business-partners resource.', {
      ...COMMON_READ_OPTIONS,
      cardType: {
        description: 'Only partners of this type.',
        type: 'string',
        enum: [...CARD_TYPES],
        examples: ['cSupplier'],
      },
    }),
    capabilities: {
      bulkSize: TARGET_BULK_SIZE,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['deactivate'],
      list: true,
      incremental: true,
    },
    check: masterDataCheck(TARGET),
  },
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options, binding) => openMasterDataTarget(ctx, TARGET, options, binding),
};
