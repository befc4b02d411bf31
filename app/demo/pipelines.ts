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
  // Accounts receivable: customers out to the AR platform, its deductions, payments and credit limits
  // back, then the invoices out, so the ones those closed in SAP reach the platform closed.
  'sap-b1-customers-to-ar',
  'ar-deductions-to-sap-b1',
  'ar-payments-to-sap-b1',
  'ar-credit-limits-to-sap-b1',
  'sap-b1-open-invoices-to-ar',
] as const;

/**
 * Shipped pipelines the demo does not run: they need an SFTP server, which the demo does not start
 * (the end-to-end tests run them against a real OpenSSH server: test/e2e/pipelines/).
 */
export const DEMO_SKIPPED_SFTP = ['sap-b1-open-invoices-to-sftp', 'sftp-remittances-to-sap-b1'] as const;

/** Posts the same reports as concur-expense-reports-to-sap-b1 through FIS: a client uses one of the two. */
export const DEMO_ALTERNATIVE = 'concur-fis-to-sap-b1';
