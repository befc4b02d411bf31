/**
 * Every resource of the Concur connector as validate reads it: descriptions, roles, keys, options
 * and record checks. Nothing here reads or writes (that is openers.ts).
 */
import { costObjectApproversDefinition } from './cost-object-approvers.def.js';
import { expenseReportsDefinition } from './expense-reports.def.js';
import { fisDocumentsDefinition } from './fis-documents.def.js';
import { listItemsDefinition } from './list-items.def.js';
import { paymentRequestsDefinition } from './payment-requests.def.js';
import type { ConcurDefinition } from './resource.js';
import { usersDefinition } from './users.def.js';
import { vendorsDefinition } from './vendors.def.js';

export const CONCUR_DEFINITIONS: readonly ConcurDefinition[] = [
  expenseReportsDefinition,
  paymentRequestsDefinition,
  fisDocumentsDefinition,
  listItemsDefinition,
  vendorsDefinition,
  usersDefinition,
  costObjectApproversDefinition,
];
