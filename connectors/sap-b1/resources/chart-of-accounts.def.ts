/** `chart-of-accounts`: G/L accounts (OACT), optionally only the postable ones. */
import { readOnlyDefinition, type EntitySet } from './read-only.def.js';

export const CHART_OF_ACCOUNTS: EntitySet = { entitySet: 'ChartOfAccounts', key: 'Code', cursorFields: {} };

export const chartOfAccountsDefinition = readOnlyDefinition(
  'G/L accounts (ChartOfAccounts, OACT). postableOnly keeps accounts that can be posted to (ActiveAccount tYES, not frozen).',
  CHART_OF_ACCOUNTS,
  { postableOnly: { description: 'Only postable accounts.', type: 'boolean', default: false, examples: [true] } },
);
