/** `chart-of-accounts`: G/L accounts (OACT), optionally only the postable ones. */
import { where } from '../query.js';
import { readOnlyResource } from './read-only.js';

export const chartOfAccounts = readOnlyResource(
  'G/L accounts (ChartOfAccounts, OACT). postableOnly keeps accounts that can be posted to (ActiveAccount tYES, not frozen).',
  {
    entitySet: 'ChartOfAccounts',
    key: 'Code',
    cursorFields: {},
    baseFilter: (o) =>
      o.postableOnly === true ? where.and(where.eq('ActiveAccount', 'tYES'), where.ne('FrozenFor', 'tYES')) : undefined,
  },
  { postableOnly: { description: 'Only postable accounts.', type: 'boolean', default: false, examples: [true] } },
);
