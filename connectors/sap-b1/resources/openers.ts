/**
 * How every resource of the SAP Business One connector opens, by name (the names of
 * definitions.ts): the reading and writing code, loaded with the connection (connection.ts).
 */
import { businessPartnersOpeners } from './business-partners.js';
import { chartOfAccountsOpeners } from './chart-of-accounts.js';
import { creditLimitsOpeners } from './credit-limits.js';
import { creditNotesOpeners } from './credit-notes.js';
import { dimensionsOpeners } from './dimensions.js';
import { employeesOpeners } from './employees.js';
import { incomingPaymentsOpeners } from './incoming-payments.js';
import { invoicesOpeners } from './invoices.js';
import { journalEntriesOpeners } from './journal-entries.js';
import { profitCentersOpeners } from './profit-centers.js';
import { projectsOpeners } from './projects.js';
import type { SapB1Openers } from './types.js';

export const SAP_B1_OPENERS: Record<string, SapB1Openers> = {
  'business-partners': businessPartnersOpeners,
  'chart-of-accounts': chartOfAccountsOpeners,
  'credit-limits': creditLimitsOpeners,
  'credit-notes': creditNotesOpeners,
  dimensions: dimensionsOpeners,
  employees: employeesOpeners,
  'incoming-payments': incomingPaymentsOpeners,
  invoices: invoicesOpeners,
  'journal-entries': journalEntriesOpeners,
  'profit-centers': profitCentersOpeners,
  projects: projectsOpeners,
};
