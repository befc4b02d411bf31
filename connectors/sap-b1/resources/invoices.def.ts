/** `invoices`: open A/R invoices (OINV) with their lines. */
import { readOnlyDefinition, type EntitySet } from './read-only.def.js';

export const INVOICES: EntitySet = {
  entitySet: 'Invoices',
  key: 'DocEntry',
  cursorFields: { DocEntry: 'int', DocDate: 'date', UpdateDate: 'date' },
};

export const invoicesDefinition = readOnlyDefinition(
  'Open A/R invoices (Invoices, OINV: DocumentStatus bost_Open, not cancelled) with their lines; incrementally by DocEntry, DocDate or UpdateDate.',
  INVOICES,
  {
    includeClosed: {
      description: 'Read closed and cancelled invoices too.',
      type: 'boolean',
      default: false,
      examples: [false],
    },
  },
);
