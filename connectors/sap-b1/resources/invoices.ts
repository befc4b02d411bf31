/** Reading `invoices` (invoices.def.ts): open, not cancelled ones unless `includeClosed`. */
import { where } from '../query.js';
import { INVOICES } from './invoices.def.js';
import { readOnlyOpeners } from './read-only.js';

export const invoicesOpeners = readOnlyOpeners({
  ...INVOICES,
  baseFilter: (o) =>
    o.includeClosed === true
      ? undefined
      : where.and(where.eq('DocumentStatus', 'bost_Open'), where.eq('Cancelled', 'tNO')),
});
