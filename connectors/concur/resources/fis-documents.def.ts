/**
 * `fis-documents` (source with `confirm`): Financial Integration Service v4 documents; the options
 * and definition (reading, acknowledging and confirming: fis-documents.ts).
 */
import type { ConcurDefinition } from './resource.js';

export const FIS_DOC_TYPES = [
  'expense',
  'invoice',
  'cashadvance',
  'payroll',
  'requestobligation',
  'reportobligation',
] as const;

export const FISCAL_YEAR_NUMBERING = ['start-year', 'end-year'] as const;
export type FiscalYearNumbering = (typeof FISCAL_YEAR_NUMBERING)[number];

export const DEFAULT_POSTING_DATE_FIELD = 'ReferenceDate';

export const fisOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['postingCompanyId'],
  properties: {
    docType: {
      type: 'string',
      enum: FIS_DOC_TYPES,
      default: 'expense',
      title: 'Document type',
      description: 'FIS transaction type.',
    },
    systemId: {
      type: 'string',
      maxLength: 50,
      title: 'System id',
      description: "Overrides the connection's systemId for this pipeline.",
      examples: ['SAPB1-PROD'],
    },
    pageSize: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 25,
      title: 'Page size',
      description: 'Documents per page (FIS `limit`).',
    },
    postingCompanyId: {
      type: 'string',
      minLength: 1,
      maxLength: 32,
      title: 'ERP company id',
      description:
        '`postingDocs[].companyId` of every success confirmation: the ERP organisational unit the document was posted in (SAP B1: the company database). FIS requires it.',
      examples: ['SBO_NORTHWIND'],
    },
    postingDateField: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_POSTING_DATE_FIELD,
      title: 'Posting date field',
      description:
        "Field of the target record (as written, or as found for a document posted earlier) whose date is the confirmation's `postingDate` and gives its `fiscalYear`. SAP B1 journal entries: ReferenceDate.",
      examples: ['ReferenceDate', 'DocDate'],
    },
    fiscalYearStartMonth: {
      type: 'integer',
      minimum: 1,
      maximum: 12,
      default: 1,
      title: 'Fiscal year start month',
      description:
        "The month the ERP's fiscal year starts in (1 = January: the calendar year). SAP B1 keeps it per period category (Beginning of Financial Year); set the same month here.",
      examples: [1, 7],
    },
    fiscalYearNumbering: {
      type: 'string',
      enum: FISCAL_YEAR_NUMBERING,
      default: 'start-year',
      title: 'Fiscal year numbering',
      description:
        "For a fiscal year that does not start in January: whether July 2024 - June 2025 is 2024 (`start-year`) or 2025 (`end-year`). Use the year the ERP shows (SAP B1: the period category's Fiscal Year).",
    },
  },
} as const;

export interface FisOptions {
  docType?: string;
  systemId?: string;
  pageSize?: number;
  postingCompanyId: string;
  postingDateField?: string;
  fiscalYearStartMonth?: number;
  fiscalYearNumbering?: FiscalYearNumbering;
}

export const fisDocumentsDefinition: ConcurDefinition = {
  name: 'fis-documents',
  definition: {
    description:
      'Financial Integration Service v4 documents (expense, invoice, ...): acknowledged when read, posting-confirmed after the target applied them.',
    roles: ['source'],
    key: 'id',
    optionsSchema: fisOptionsSchema,
    capabilities: { confirm: true },
  },
};
