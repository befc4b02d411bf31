/** `employees`: employee master data (OHEM). */
import { where } from '../query.js';
import { ACTIVE_ONLY_OPTION, readOnlyResource } from './read-only.js';

export const employees = readOnlyResource(
  'Employees (EmployeesInfo, OHEM): names, e-mail, ExternalEmployeeNumber, cost center, linked vendor; incrementally by UpdateDate.',
  {
    entitySet: 'EmployeesInfo',
    key: 'EmployeeID',
    cursorFields: { UpdateDate: 'date', CreateDate: 'date', EmployeeID: 'int' },
    baseFilter: (o) => (o.activeOnly === true ? where.eq('Active', 'tYES') : undefined),
  },
  { activeOnly: ACTIVE_ONLY_OPTION },
);
