/**
 * Every resource of the SAP Business One connector, by name, as validate reads it: descriptions,
 * roles, keys, options and record checks. Nothing here reads or writes (that is openers.ts).
 */
import type { ResourceDefinition } from '../../../engine/connector/types.js';
import { businessPartnersDefinition } from './business-partners.def.js';
import { chartOfAccountsDefinition } from './chart-of-accounts.def.js';
import { creditLimitsDefinition } from './credit-limits.def.js';
import { creditNotesDefinition } from './credit-notes.def.js';
import { dimensionsDefinition } from './dimensions.def.js';
import { employeesDefinition } from './employees.def.js';
import { incomingPaymentsDefinition } from './incoming-payments.def.js';
import { invoicesDefinition } from './invoices.def.js';
import { journalEntriesDefinition } from './journal-entries.def.js';
import { profitCentersDefinition } from './profit-centers.def.js';
import { projectsDefinition } from './projects.def.js';

export const SAP_B1_DEFINITIONS: Record<string, ResourceDefinition> = {
  'business-partners': businessPartnersDefinition,
  'chart-of-accounts': chartOfAccountsDefinition,
  'credit-limits': creditLimitsDefinition,
  'credit-notes': creditNotesDefinition,
  dimensions: dimensionsDefinition,
  employees: employeesDefinition,
  'incoming-payments': incomingPaymentsDefinition,
  invoices: invoicesDefinition,
  'journal-entries': journalEntriesDefinition,
  'profit-centers': profitCentersDefinition,
  projects: projectsDefinition,
};
