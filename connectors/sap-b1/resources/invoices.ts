/** `invoices`: open A/R invoices (OINV) with their lines. */
import { where } from '../query.js';
import { readOnlyResource } from './read-only.js';

export const invoices = readOnlyResource(
  'Open A/R invoices (Invoices, OINV: DocumentStatus bost_Open, not cancelled) with their lines; incrementally by DocEntry, DocDate or UpdateDate.',
  {
    entitySet: 'Invoices',
    key: 'DocEntry',
    cursorFields: { DocEntry: 'int', DocDate: 'date', UpdateDate: 'date' },
    baseFilter: (o) =>
      o.includeClosed === true
        ? undefined
        : where.and(where.eq('DocumentStatus', 'bost_Open'), where.eq('Cancelled', 'tNO')),
  },
  {
    includeClosed: {
      description: 'Read closed and cancelled invoices too.',
      type: 'boolean',
      default: false,
      examples: [false],
    },
  },
);
