import { join } from 'node:path';
import { packageRoot } from '../../engine/runtime/paths.js';

/** The shipped pipelines. */
export const PIPELINES_DIR = join(packageRoot(), 'pipelines');

/** The shipped pipelines the demo runs, in order. */
/** The order matters: lists and users exist in Concur before approvers point at them; master data before postings. */
export const DEMO_PIPELINES = [
  'sap-b1-cost-centers-to-concur-list',
  'sap-b1-projects-to-concur-list',
  'sap-b1-vendors-to-concur-invoice',
  'erp-db-users-to-concur',
  'erp-db-approvers-to-concur',
  'concur-expense-reports-to-sap-b1',
  'concur-payment-requests-to-sap-b1',
  // Accounts receivable: customers out to the AR platform, its deductions, payments (by API, then the
  // lockbox's remittance file over SFTP) and credit limits back, then the invoices out (by API and as
  // the nightly SFTP batch file), so the ones those closed in SAP reach the platform closed.
  'sap-b1-customers-to-ar',
  'ar-deductions-to-sap-b1',
  'ar-payments-to-sap-b1',
  'sftp-remittances-to-sap-b1',
  'ar-credit-limits-to-sap-b1',
  'sap-b1-open-invoices-to-ar',
  'sap-b1-open-invoices-to-sftp',
] as const;

/**
 * The demo pipelines that need its SFTP server (sftp.ts): not run when there is no sshd to start
 * (the end-to-end tests always run them, test/e2e/pipelines/).
 */
export const DEMO_SFTP_PIPELINES: readonly string[] = ['sftp-remittances-to-sap-b1', 'sap-b1-open-invoices-to-sftp'];

/** Posts the same reports as concur-expense-reports-to-sap-b1 through FIS: a client uses one of the two. */
export const DEMO_ALTERNATIVE = 'concur-fis-to-sap-b1';
