/** Reading `chart-of-accounts` (chart-of-accounts.def.ts): `postableOnly` filters on ActiveAccount and FrozenFor. */
import { where } from '../query.js';
import { CHART_OF_ACCOUNTS } from './chart-of-accounts.def.js';
import { readOnlyOpeners } from './read-only.js';

export const chartOfAccountsOpeners = readOnlyOpeners({
  ...CHART_OF_ACCOUNTS,
  baseFilter: (o) =>
    o.postableOnly === true ? where.and(where.eq('ActiveAccount', 'tYES'), where.ne('FrozenFor', 'tYES')) : undefined,
});
