/** `employees`: employee master data (OHEM). */
import { ACTIVE_ONLY_OPTION, readOnlyDefinition, type EntitySet } from './read-only.def.js';

export const EMPLOYEES: EntitySet = {
  entitySet: 'EmployeesInfo',
  key: 'EmployeeID',
  cursorFields: { UpdateDate: 'date', CreateDate: 'date', EmployeeID: 'int' },
};

export const employeesDefinition = readOnlyDefinition(
  'Employees (EmployeesInfo, OHEM): names, e-mail, ExternalEmployeeNumber, cost center, linked vendor; incrementally by UpdateDate.',
  EMPLOYEES,
  { activeOnly: ACTIVE_ONLY_OPTION },
);
