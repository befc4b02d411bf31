/**
 * How every resource of the Concur connector opens, by name (the names of definitions.ts): the
 * reading and writing code, loaded when a connection opens (index.ts, `openConcur`).
 */
import { costObjectApproversOpeners } from './cost-object-approvers.js';
import { expenseReportsOpeners } from './expense-reports.js';
import { fisDocumentsOpeners } from './fis-documents.js';
import { listItemsOpeners } from './list-items.js';
import { paymentRequestsOpeners } from './payment-requests.js';
import type { ConcurOpeners } from './resource.js';
import { usersOpeners } from './users.js';
import { vendorsOpeners } from './vendors.js';

export const CONCUR_OPENERS: Readonly<Record<string, ConcurOpeners>> = {
  'expense-reports': expenseReportsOpeners,
  'payment-requests': paymentRequestsOpeners,
  'fis-documents': fisDocumentsOpeners,
  'list-items': listItemsOpeners,
  vendors: vendorsOpeners,
  users: usersOpeners,
  'cost-object-approvers': costObjectApproversOpeners,
};
