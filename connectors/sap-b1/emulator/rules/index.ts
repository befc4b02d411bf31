/** Business rules per entity set. */
import type { EntitySetName } from '../edm/model.js';
import { businessPartnerRules } from './business-partners.js';
import { dimensionRules, distributionRuleRules, profitCenterRules } from './cost-accounting.js';
import { creditNoteRules, invoiceRules } from './documents.js';
import { journalEntryRules } from './journal-entries.js';
import { accountRules, employeeRules, projectRules } from './master-data.js';
import { incomingPaymentRules } from './payments.js';
import type { SetRules } from './types.js';

export const RULES: Record<EntitySetName, SetRules> = {
  BusinessPartners: businessPartnerRules,
  ChartOfAccounts: accountRules,
  CreditNotes: creditNoteRules,
  Dimensions: dimensionRules,
  DistributionRules: distributionRuleRules,
  EmployeesInfo: employeeRules,
  IncomingPayments: incomingPaymentRules,
  Invoices: invoiceRules,
  JournalEntries: journalEntryRules,
  ProfitCenters: profitCenterRules,
  Projects: projectRules,
};
