/** Every resource of the SAP Business One connector, by name. */
import { businessPartners } from './business-partners.js';
import { chartOfAccounts } from './chart-of-accounts.js';
import { creditLimits } from './credit-limits.js';
import { creditNotes } from './credit-notes.js';
import { dimensions } from './dimensions.js';
import { employees } from './employees.js';
import { incomingPayments } from './incoming-payments.js';
import { invoices } from './invoices.js';
import { journalEntries } from './journal-entries.js';
import { profitCenters } from './profit-centers.js';
import { projects } from './projects.js';
import type { SapB1Resource } from './types.js';

export const SAP_B1_RESOURCES: Record<string, SapB1Resource> = {
  'business-partners': businessPartners,
  'chart-of-accounts': chartOfAccounts,
  'credit-limits': creditLimits,
  'credit-notes': creditNotes,
  dimensions,
  employees,
  'incoming-payments': incomingPayments,
  invoices,
  'journal-entries': journalEntries,
  'profit-centers': profitCenters,
  projects,
};
