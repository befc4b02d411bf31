/** Reading `employees` (employees.def.ts): `activeOnly` filters on Active. */
import { where } from '../query.js';
import { EMPLOYEES } from './employees.def.js';
import { readOnlyOpeners } from './read-only.js';

export const employeesOpeners = readOnlyOpeners({
  ...EMPLOYEES,
  baseFilter: (o) => (o.activeOnly === true ? where.eq('Active', 'tYES') : undefined),
});
