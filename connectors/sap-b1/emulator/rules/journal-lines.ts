/**
 * Validation and completion of journal entry lines: accounts exist, are postable and not frozen;
 * business-partner lines post to the partner's control account; distribution rules and projects
 * exist and are active; one positive amount per line; a foreign currency only on an account or
 * partner in that currency or in all (`##`), with a rate on the posting date; foreign-currency
 * amounts converted at that rate when no local amount is given.
 */
import type { Entity } from '../edm/codec.js';
import { faults } from '../errors.js';
import { asNumber, checkLengths, round2 } from './common.js';
import type { RuleContext } from './types.js';

const LINE_LIMITS = {
  AccountCode: 15,
  ShortName: 15,
  LineMemo: 50,
  AdditionalReference: 27,
  Reference1: 100,
  Reference2: 100,
  ProjectCode: 20,
  CostingCode: 8,
  CostingCode2: 8,
  CostingCode3: 8,
  CostingCode4: 8,
  CostingCode5: 8,
  FCCurrency: 3,
};
const COSTING = ['CostingCode', 'CostingCode2', 'CostingCode3', 'CostingCode4', 'CostingCode5'] as const;

function at(field: string, line: number): string {
  return `[JournalEntryLines.${field}][line: ${line}]`;
}

export function checkProject(ctx: RuleContext, code: unknown, where: string): void {
  if (code === undefined || code === null || code === '') return;
  const project = ctx.store.get('Projects', String(code));
  if (!project) throw faults.businessRule(`Invalid project code '${String(code)}' ${where}`);
  if (project.Active === 'tNO') throw faults.businessRule(`Project '${String(code)}' is inactive ${where}`);
}

export function checkPostableAccount(ctx: RuleContext, code: string, where: string): void {
  const account = ctx.store.get('ChartOfAccounts', code);
  if (!account) throw faults.businessRule(`Invalid account code '${code}' ${where}`);
  if (account.ActiveAccount !== 'tYES')
    throw faults.businessRule(`Account '${code}' is a title account and cannot be posted to ${where}`);
  if (account.FrozenFor === 'tYES') throw faults.businessRule(`Account '${code}' is frozen ${where}`);
  if (account.LockManualTransaction === 'tYES')
    throw faults.businessRule(`Account '${code}' is locked for manual transactions ${where}`);
}

function resolveAccount(
  ctx: RuleContext,
  line: Entity,
  n: number,
): { account: string; shortName: string; bp: boolean } {
  const shortName = typeof line.ShortName === 'string' && line.ShortName !== '' ? line.ShortName : undefined;
  const accountCode = typeof line.AccountCode === 'string' && line.AccountCode !== '' ? line.AccountCode : undefined;
  const partner = shortName === undefined ? undefined : ctx.store.get('BusinessPartners', shortName);
  if (partner) {
    if (partner.Frozen === 'tYES' || partner.Valid === 'tNO') {
      throw faults.businessRule(`Business partner '${shortName}' is inactive ${at('ShortName', n)}`);
    }
    const control = String(partner.DebitorAccount);
    if (accountCode !== undefined && accountCode !== control) {
      throw faults.businessRule(
        `Account '${accountCode}' is not the control account of '${shortName}' ${at('AccountCode', n)}`,
      );
    }
    return { account: control, shortName: shortName as string, bp: true };
  }
  if (shortName !== undefined && accountCode !== undefined && shortName !== accountCode) {
    throw faults.businessRule(`Invalid BP code '${shortName}' ${at('ShortName', n)}`);
  }
  const account = accountCode ?? shortName;
  if (account === undefined) throw faults.businessRule(`AccountCode or ShortName is mandatory ${at('AccountCode', n)}`);
  if (!ctx.store.get('ChartOfAccounts', account) && shortName !== undefined && accountCode === undefined) {
    throw faults.businessRule(`Invalid BP code '${shortName}' ${at('ShortName', n)}`);
  }
  return { account, shortName: account, bp: false };
}

function foreignCurrency(ctx: RuleContext, line: Entity): string | undefined {
  const fc = line.FCCurrency;
  return typeof fc === 'string' && fc !== '' && fc !== ctx.localCurrency ? fc : undefined;
}

/** A line in a foreign currency needs an account (or partner) in that currency or in all (`##`). */
function checkLineCurrency(
  ctx: RuleContext,
  fc: string,
  account: string,
  shortName: string,
  bp: boolean,
  n: number,
): void {
  const holder = bp ? ctx.store.get('BusinessPartners', shortName) : ctx.store.get('ChartOfAccounts', account);
  const raw = bp ? holder?.Currency : holder?.AcctCurrency;
  const currency = typeof raw === 'string' && raw !== '' ? raw : ctx.localCurrency;
  if (currency === fc || currency === '##') return;
  const what = bp ? `business partner '${shortName}'` : `account '${account}'`;
  throw faults.businessRule(
    `Currency '${fc}' cannot be posted to ${what}, whose currency is ${currency} ${at('FCCurrency', n)}`,
  );
}

function rateOn(ctx: RuleContext, currency: string, date: string, n: number): number {
  const rate = ctx.company.rate(currency, date);
  if (rate === undefined)
    throw faults.businessRule(`Update the exchange rate for '${currency}' on ${date} ${at('FCCurrency', n)}`);
  return rate;
}

function localAmounts(ctx: RuleContext, line: Entity, n: number, date: string): { debit: number; credit: number } {
  let debit = asNumber(line.Debit);
  let credit = asNumber(line.Credit);
  const fc = foreignCurrency(ctx, line);
  // A rate is needed on the posting date even when the local amounts are given (inferred).
  const rate = fc === undefined ? 1 : rateOn(ctx, fc, date, n);
  if (fc !== undefined && debit === 0 && credit === 0) {
    debit = round2(asNumber(line.FCDebit) * rate);
    credit = round2(asNumber(line.FCCredit) * rate);
  }
  if (debit < 0 || credit < 0) throw faults.businessRule(`Negative amounts are not allowed ${at('Debit', n)}`);
  if (debit !== 0 && credit !== 0)
    throw faults.businessRule(`Enter either a debit or a credit amount ${at('Debit', n)}`);
  if (debit === 0 && credit === 0) throw faults.businessRule(`Enter a debit or a credit amount ${at('Debit', n)}`);
  return { debit, credit };
}

/** Local amounts in the system currency (the same when the system currency is the local one). */
function systemAmount(ctx: RuleContext, amount: number, date: string, n: number): number {
  const sys = ctx.company.systemCurrency;
  return sys === ctx.localCurrency ? amount : round2(amount / rateOn(ctx, sys, date, n));
}

/** A validated, completed line (Line_ID, ShortName, control account, system amounts, dates). */
export function completeLine(ctx: RuleContext, line: Entity, index: number, header: Entity): Entity {
  const n = index + 1;
  checkLengths(line, LINE_LIMITS, 'JournalEntryLines', n);
  const { account, shortName, bp } = resolveAccount(ctx, line, n);
  checkPostableAccount(ctx, account, at('AccountCode', n));
  const fc = foreignCurrency(ctx, line);
  if (fc !== undefined) checkLineCurrency(ctx, fc, account, shortName, bp, n);
  const date = String(header.ReferenceDate);
  const { debit, credit } = localAmounts(ctx, line, n, date);
  COSTING.forEach((field, i) => {
    const code = line[field];
    if (code === undefined || code === null || code === '') return;
    const rule = ctx.store.get('DistributionRules', String(code));
    if (!rule || rule.InWhichDimension !== i + 1)
      throw faults.businessRule(`Invalid distribution rule '${String(code)}' ${at(field, n)}`);
    if (rule.Active === 'tNO')
      throw faults.businessRule(`Distribution rule '${String(code)}' is inactive ${at(field, n)}`);
  });
  checkProject(ctx, line.ProjectCode, at('ProjectCode', n));
  return {
    ...line,
    Line_ID: index,
    AccountCode: account,
    ShortName: shortName,
    ControlAccount: bp ? account : null,
    Debit: debit,
    Credit: credit,
    DebitSys: systemAmount(ctx, debit, date, n),
    CreditSys: systemAmount(ctx, credit, date, n),
    DueDate: line.DueDate ?? header.DueDate,
    ReferenceDate1: line.ReferenceDate1 ?? header.ReferenceDate,
    TaxDate: line.TaxDate ?? header.TaxDate,
    ProjectCode: line.ProjectCode ?? header.ProjectCode ?? null,
  };
}

/** Posts the lines' amounts to account and partner balances (sign: debit positive). */
export function postBalances(ctx: RuleContext, lines: Entity[], sign: 1 | -1): void {
  for (const line of lines) {
    const amount = sign * (asNumber(line.Debit) - asNumber(line.Credit));
    const account = ctx.store.get('ChartOfAccounts', String(line.AccountCode));
    if (account) ctx.store.put('ChartOfAccounts', { ...account, Balance: round2(asNumber(account.Balance) + amount) });
    const partner = ctx.store.get('BusinessPartners', String(line.ShortName));
    if (partner)
      ctx.store.put('BusinessPartners', {
        ...partner,
        CurrentAccountBalance: round2(asNumber(partner.CurrentAccountBalance) + amount),
      });
  }
}
