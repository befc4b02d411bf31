/**
 * Dimensions (ODIM), ProfitCenters (OPRC) and DistributionRules (OOCR). Creating a profit center also
 * creates the same-code 100% distribution rule, so cost-center codes work in CostingCode directly
 * (DI ProfitCentersService.AddProfitCenter, fact sheet §5.2).
 */
import type { Entity } from '../edm/codec.js';
import { faults } from '../errors.js';
import { assertNew, checkLengths, isReferenced, mergePatch, requireString, withDefaults } from './common.js';
import type { RuleContext, SetRules } from './types.js';

const CENTER_LIMITS = { CenterCode: 8, CenterName: 30 };
const RULE_LIMITS = { FactorCode: 8, FactorDescription: 30 };

const COSTING_FIELDS = [
  'CostingCode',
  'CostingCode2',
  'CostingCode3',
  'CostingCode4',
  'CostingCode5',
  'DistributionRule',
  'DistributionRule2',
  'DistributionRule3',
  'DistributionRule4',
  'DistributionRule5',
];

function usesRule(ctx: RuleContext, code: unknown): boolean {
  return isReferenced(ctx, (row) => COSTING_FIELDS.some((f) => row[f] === code));
}

function activeDimension(ctx: RuleContext, dimension: unknown): void {
  const dim = typeof dimension === 'number' ? ctx.store.get('Dimensions', dimension) : undefined;
  if (!dim) throw faults.businessRule(`Invalid dimension '${String(dimension)}' [ProfitCenter.InWhichDimension]`);
  if (dim.IsActive !== 'tYES')
    throw faults.businessRule(`Dimension ${String(dimension)} is not active [ProfitCenter.InWhichDimension]`);
}

function ruleFor(center: Entity): Entity {
  return {
    FactorCode: center.CenterCode,
    FactorDescription: center.CenterName,
    TotalFactor: 100,
    Direct: 'Y',
    InWhichDimension: center.InWhichDimension,
    Active: center.Active,
    IsFixedAmount: 'tNO',
    DistributionRuleLines: [
      {
        CenterCode: center.CenterCode,
        TotalInCenter: 100,
        EffectiveFrom: center.EffectiveFrom ?? null,
        EffectiveTo: null,
      },
    ],
  };
}

export const profitCenterRules: SetRules = {
  create(ctx, input) {
    const code = requireString(input, 'CenterCode', 'ProfitCenter');
    requireString(input, 'CenterName', 'ProfitCenter');
    checkLengths(input, CENTER_LIMITS, 'ProfitCenter');
    assertNew(ctx, code, `Profit center '${code}' already exists`);
    if (ctx.store.get('DistributionRules', code))
      throw faults.businessRule(`Distribution rule '${code}' already exists`);
    const center = withDefaults(input, { InWhichDimension: 1, Active: 'tYES', EffectiveFrom: ctx.clock.today() });
    activeDimension(ctx, center.InWhichDimension);
    ctx.store.put('DistributionRules', ruleFor(center));
    return center;
  },

  update(ctx, existing, patch) {
    checkLengths(patch, CENTER_LIMITS, 'ProfitCenter');
    if (patch.InWhichDimension !== undefined && patch.InWhichDimension !== existing.InWhichDimension) {
      throw faults.businessRule('InWhichDimension cannot be changed [ProfitCenter.InWhichDimension]');
    }
    const center = mergePatch(ctx, existing, patch);
    const rule = ctx.store.get('DistributionRules', String(center.CenterCode));
    if (rule)
      ctx.store.put('DistributionRules', { ...rule, FactorDescription: center.CenterName, Active: center.Active });
    return center;
  },

  remove(ctx, existing) {
    if (usesRule(ctx, existing.CenterCode))
      throw faults.businessRule(`Profit center '${String(existing.CenterCode)}' is in use`);
    ctx.store.delete('DistributionRules', String(existing.CenterCode));
  },
};

export const distributionRuleRules: SetRules = {
  create(ctx, input) {
    const code = requireString(input, 'FactorCode', 'DistributionRule');
    checkLengths(input, RULE_LIMITS, 'DistributionRule');
    assertNew(ctx, code, `Distribution rule '${code}' already exists`);
    const lines = (input.DistributionRuleLines ?? []) as Entity[];
    if (lines.length === 0)
      throw faults.businessRule('A distribution rule needs at least one line [DistributionRule.DistributionRuleLines]');
    for (const line of lines) {
      if (!ctx.store.get('ProfitCenters', String(line.CenterCode))) {
        throw faults.businessRule(
          `Invalid profit center '${String(line.CenterCode)}' [DistributionRule.DistributionRuleLines.CenterCode]`,
        );
      }
    }
    const total = lines.reduce((s, l) => s + (typeof l.TotalInCenter === 'number' ? l.TotalInCenter : 0), 0);
    return withDefaults(input, {
      TotalFactor: total,
      InWhichDimension: 1,
      Active: 'tYES',
      IsFixedAmount: 'tNO',
      Direct: 'N',
    });
  },
  update: (ctx, existing, patch) => mergePatch(ctx, existing, patch),
  remove(ctx, existing) {
    if (usesRule(ctx, existing.FactorCode))
      throw faults.businessRule(`Distribution rule '${String(existing.FactorCode)}' is in use`);
  },
};

export const dimensionRules: SetRules = {
  create() {
    throw faults.notSupported();
  },
  update(ctx, existing, patch) {
    const allowed = new Set(['IsActive', 'DimensionDescription']);
    const bad = Object.keys(patch).find((k) => !allowed.has(k) && patch[k] !== existing[k]);
    if (bad !== undefined) throw faults.businessRule(`Property '${bad}' of 'Dimension' cannot be updated`);
    return mergePatch(ctx, existing, patch);
  },
  remove() {
    throw faults.notSupported();
  },
};
