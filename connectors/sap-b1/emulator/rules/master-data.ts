/** Projects (OPRJ), ChartOfAccounts (OACT) and EmployeesInfo (OHEM). */
import { faults } from '../errors.js';
import {
  assertNew,
  checkLengths,
  isReferenced,
  mergePatch,
  requireString,
  touchUpdated,
  withDefaults,
} from './common.js';
import type { SetRules } from './types.js';

const PROJECT_LIMITS = { Code: 20, Name: 100 };
const ACCOUNT_LIMITS = { Code: 15, Name: 100, FormatCode: 210 };
const EMPLOYEE_LIMITS = { FirstName: 50, LastName: 50, MiddleName: 50, eMail: 100 };

export const projectRules: SetRules = {
  create(ctx, input) {
    const code = requireString(input, 'Code', 'Project');
    requireString(input, 'Name', 'Project');
    checkLengths(input, PROJECT_LIMITS, 'Project');
    assertNew(ctx, code, `Project code '${code}' already exists`);
    return withDefaults(input, { Active: 'tYES' });
  },
  update(ctx, existing, patch) {
    checkLengths(patch, PROJECT_LIMITS, 'Project');
    return mergePatch(ctx, existing, patch);
  },
  remove(ctx, existing) {
    if (isReferenced(ctx, (row) => row.ProjectCode === existing.Code || row.Project === existing.Code)) {
      throw faults.businessRule(`Project '${String(existing.Code)}' is in use and cannot be removed`);
    }
  },
};

export const accountRules: SetRules = {
  create(ctx, input) {
    const code = requireString(input, 'Code', 'ChartOfAccount');
    requireString(input, 'Name', 'ChartOfAccount');
    checkLengths(input, ACCOUNT_LIMITS, 'ChartOfAccount');
    assertNew(ctx, code, `G/L account '${code}' already exists`);
    if (typeof input.FatherAccountKey === 'string' && !ctx.store.get('ChartOfAccounts', input.FatherAccountKey)) {
      throw faults.businessRule(`Invalid father account '${input.FatherAccountKey}' [ChartOfAccount.FatherAccountKey]`);
    }
    return withDefaults(input, {
      ActiveAccount: 'tYES',
      AccountType: 'at_Other',
      AcctCurrency: ctx.localCurrency,
      Balance: 0,
      LockManualTransaction: 'tNO',
      FrozenFor: 'tNO',
      CashAccount: 'tNO',
      FormatCode: code,
    });
  },
  update(ctx, existing, patch) {
    checkLengths(patch, ACCOUNT_LIMITS, 'ChartOfAccount');
    return mergePatch(ctx, existing, patch);
  },
  remove(ctx, existing) {
    if (isReferenced(ctx, (row) => row.AccountCode === existing.Code)) {
      throw faults.businessRule(`G/L account '${String(existing.Code)}' has postings and cannot be removed`);
    }
  },
};

export const employeeRules: SetRules = {
  create(ctx, input) {
    requireString(input, 'LastName', 'EmployeeInfo');
    checkLengths(input, EMPLOYEE_LIMITS, 'EmployeeInfo');
    const id = ctx.store.next('EmployeesInfo.EmployeeID', () => ctx.store.maxOf('EmployeesInfo', 'EmployeeID'));
    const created = { CreateDate: ctx.clock.today(), CreateTime: ctx.clock.timeOfDay() };
    return touchUpdated(ctx, withDefaults({ ...input, EmployeeID: id }, { Active: 'tYES', ...created }));
  },
  update(ctx, existing, patch) {
    checkLengths(patch, EMPLOYEE_LIMITS, 'EmployeeInfo');
    return touchUpdated(ctx, mergePatch(ctx, existing, patch));
  },
  remove() {},
};
