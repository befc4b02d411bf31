/** `business-partners`: customers, suppliers (incl. employees as suppliers) and leads; read and upsert. */
import type { ResourceDefinition } from '../../../engine/connector/types.js';
import { lengthCheck } from './field-limits.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import { MASTER_DATA_CAPABILITIES } from './types.js';

export const CARD_TYPES = ['cCustomer', 'cSupplier', 'cLid'] as const;

const LIMITS = { CardCode: 15, CardName: 100, FederalTaxID: 32 };

export const businessPartnersDefinition: ResourceDefinition = {
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
    ...MASTER_DATA_CAPABILITIES,
    incremental: true,
  },
  check: lengthCheck(LIMITS),
};
