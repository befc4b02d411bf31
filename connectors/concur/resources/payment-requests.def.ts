/** `payment-requests` (source, lookup): Invoice payment requests; the options and definition (reading: payment-requests.ts). */
import type { ConcurDefinition } from './resource.js';

export const paymentRequestOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    approvalStatus: {
      type: 'string',
      title: 'Approval status',
      description: 'Approval status code (see GET /invoice/localizeddata?type=approvalStatus).',
      examples: ['A_APPR'],
    },
    paymentStatus: {
      type: 'string',
      title: 'Payment status',
      description: 'Payment status code.',
      examples: ['P_NOTP'],
    },
    lastModifiedAfter: {
      type: 'string',
      title: 'Modified after',
      description: 'yyyy-MM-dd lower bound on the last modification.',
      examples: ['2025-01-01'],
    },
    resolveVendorCodes: {
      type: 'boolean',
      default: true,
      title: 'Resolve vendor codes',
      description:
        'Add VendorCode/VendorAddressCode by matching the remit-to address against Invoice vendors (one vendor list read per run).',
    },
    pageSize: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 100,
      title: 'Page size',
      description: 'Digests per page.',
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      maximum: 16,
      default: 4,
      title: 'Concurrency',
      description: 'Payment requests read at the same time.',
    },
  },
} as const;

export const paymentRequestsDefinition: ConcurDefinition = {
  name: 'payment-requests',
  definition: {
    description:
      'Invoice payment requests (from their digests), each with its line items and allocations as arrays, status codes and the resolved vendor code.',
    roles: ['source', 'lookup'],
    key: 'ID',
    optionsSchema: paymentRequestOptionsSchema,
    capabilities: {},
  },
};
