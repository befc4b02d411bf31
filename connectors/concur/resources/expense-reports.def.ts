/**
 * `expense-reports` (source, lookup): Expense Report v3 company-wide (`user=ALL`), filtered by
 * approval and payment status, incremental on `LastModifiedDate`; the options and definition
 * (reading: expense-reports.ts).
 */
import type { ConcurDefinition } from './resource.js';

const statusList = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};

export const expenseReportOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    approvalStatus: {
      ...statusList,
      title: 'Approval status',
      description: 'Approval status code(s), e.g. A_APPR.',
      examples: ['A_APPR'],
    },
    paymentStatus: {
      ...statusList,
      title: 'Payment status',
      description: 'Payment status code(s), e.g. P_PROC.',
      examples: [['P_NOTP', 'P_PROC']],
    },
    user: {
      type: 'string',
      title: 'User',
      description: 'ALL (company-wide, needs the Web Services Admin role) or one login id.',
      default: 'ALL',
      examples: ['ALL'],
    },
    modifiedAfter: {
      type: 'string',
      title: 'Modified after',
      description: 'Static lower bound on LastModifiedDate (ISO-8601), in addition to the incremental cursor.',
      examples: ['2025-01-01T00:00:00Z'],
    },
    processingPaymentDateAfter: {
      type: 'string',
      title: 'Ready for payment after',
      description: 'Only reports fully approved after this date (yyyy-MM-dd).',
      examples: ['2025-01-01'],
    },
    includeEntries: {
      type: 'boolean',
      title: 'Include entries',
      description: "Read each report's entries (one more call per report).",
      default: true,
    },
    includeAllocations: {
      type: 'boolean',
      title: 'Include allocations',
      description: "Read each report's allocations (one more call per report).",
      default: true,
    },
    pageSize: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 100,
      title: 'Page size',
      description: 'Reports per page (v3 limit).',
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      maximum: 16,
      default: 4,
      title: 'Concurrency',
      description: 'Reports whose entries are read at the same time.',
    },
  },
} as const;

export const expenseReportsDefinition: ConcurDefinition = {
  name: 'expense-reports',
  definition: {
    description:
      'Expense Report v3 reports, company-wide, each with its entries and their allocations; custom and org-unit fields flattened to Code/Value.',
    roles: ['source', 'lookup'],
    key: 'ID',
    optionsSchema: expenseReportOptionsSchema,
    capabilities: { incremental: true },
  },
};
