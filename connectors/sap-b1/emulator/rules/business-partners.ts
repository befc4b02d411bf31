/**
 * BusinessPartners (OCRD): POST 201 / duplicate 400 -10 with SAP's message, PATCH merges and ignores
 * read-only fields, DELETE refused once the partner has transactions (fact sheet §6).
 */
import type { Entity } from '../edm/codec.js';
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
import type { RuleContext, SetRules } from './types.js';

const LIMITS = { CardCode: 15, CardName: 100, FederalTaxID: 32 };

/** Control accounts of the demo company: receivables for customers, payables for suppliers. */
const CONTROL_ACCOUNTS: Record<string, string> = { cCustomer: '1200', cLid: '1200', cSupplier: '2100' };

function checkAccount(ctx: RuleContext, entity: Entity): void {
  const acct = entity.DebitorAccount;
  if (typeof acct === 'string' && !ctx.store.get('ChartOfAccounts', acct)) {
    throw faults.businessRule(`Invalid control account '${acct}' [BusinessPartner.DebitorAccount]`);
  }
}

export const businessPartnerRules: SetRules = {
  create(ctx, input) {
    const code = requireString(input, 'CardCode', 'BusinessPartner');
    checkLengths(input, LIMITS, 'BusinessPartner');
    assertNew(
      ctx,
      code,
      `1320000140 - Business partner code '${code}' already assigned to a business partner; enter a unique business partner code`,
    );
    const cardType = (input.CardType as string | undefined) ?? 'cCustomer';
    const entity = withDefaults(input, {
      CardType: cardType,
      CardName: '',
      Currency: ctx.localCurrency,
      CreditLimit: 0,
      MaxCommitment: 0,
      CurrentAccountBalance: 0,
      DebitorAccount: CONTROL_ACCOUNTS[cardType] ?? '1200',
      Valid: 'tYES',
      Frozen: 'tNO',
      GroupCode: cardType === 'cSupplier' ? 101 : 100,
      CreateDate: ctx.clock.today(),
      CreateTime: ctx.clock.timeOfDay(),
    });
    checkAccount(ctx, entity);
    return touchUpdated(ctx, entity);
  },

  update(ctx, existing, patch) {
    checkLengths(patch, LIMITS, 'BusinessPartner');
    const entity = mergePatch(ctx, existing, patch);
    checkAccount(ctx, entity);
    return touchUpdated(ctx, entity);
  },

  remove(ctx, existing) {
    const code = existing.CardCode;
    if (isReferenced(ctx, (row) => row.ShortName === code || row.CardCode === code)) {
      throw faults.businessRule(`Business partner '${String(code)}' has transactions and cannot be removed`);
    }
  },
};
