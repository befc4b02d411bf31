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
] as const;

/** Posts the same reports as concur-expense-reports-to-sap-b1 through FIS: a client uses one of the two. */
export const DEMO_ALTERNATIVE = 'concur-fis-to-sap-b1';
