/**
 * Loads `<EntitySet>.json` files (arrays of entities in v1 wire form) and programmatic seed data into
 * the store. Profit centers without a distribution rule get their same-code 100% rule, as B1 does.
 * The company's facts come from `Company.json` (currencies), `CurrencyRates.json` (rates over date
 * ranges, stored per day) and `PostingPeriods.json` (financial years), each optional.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompanyFacts, type CompanySpec, type PeriodCategorySpec, type RateSpec } from './company.js';
import { decodeEntity, type Entity } from './edm/codec.js';
import { entityTypeOf, SERVED_ENTITY_SETS, type EntitySetName } from './edm/model.js';
import type { EntityStore } from './store.js';

function load(store: EntityStore, set: EntitySetName, entities: Entity[], origin: string): void {
  const { name } = entityTypeOf(set);
  entities.forEach((raw, i) => {
    try {
      store.put(set, decodeEntity(name, raw, { keepReadOnly: true }));
    } catch (err) {
      throw new Error(`${origin} ${set}[${i}]: ${(err as Error).message}`, { cause: err });
    }
  });
}

function deriveDistributionRules(store: EntityStore): void {
  for (const center of store.all('ProfitCenters')) {
    const code = String(center.CenterCode);
    if (store.get('DistributionRules', code)) continue;
    store.put('DistributionRules', {
      FactorCode: code,
      FactorDescription: center.CenterName,
      TotalFactor: 100,
      Direct: 'Y',
      InWhichDimension: center.InWhichDimension ?? 1,
      Active: center.Active ?? 'tYES',
      IsFixedAmount: 'tNO',
      DistributionRuleLines: [
        { CenterCode: code, TotalInCenter: 100, EffectiveFrom: center.EffectiveFrom ?? null, EffectiveTo: null },
      ],
    });
  }
}

export function loadFixtures(store: EntityStore, dir: string, seed: Partial<Record<EntitySetName, Entity[]>>): void {
  for (const set of SERVED_ENTITY_SETS) {
    const file = join(dir, `${set}.json`);
    if (existsSync(file)) load(store, set, JSON.parse(readFileSync(file, 'utf8')) as Entity[], file);
  }
  for (const set of SERVED_ENTITY_SETS) {
    const extra = seed[set];
    if (extra) load(store, set, extra, 'seed');
  }
  deriveDistributionRules(store);
}

export interface CompanyOverrides {
  localCurrency?: string | undefined;
  systemCurrency?: string | undefined;
  rates?: readonly RateSpec[] | undefined;
  periods?: readonly PeriodCategorySpec[] | undefined;
}

function readJson<T>(dir: string, name: string): T | undefined {
  const file = join(dir, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** The company's currencies, rates and periods: the fixture files, then the options. */
export function loadCompany(dir: string, o: CompanyOverrides = {}): CompanyFacts {
  const spec = readJson<CompanySpec>(dir, 'Company.json') ?? {};
  const company = new CompanyFacts({
    ...spec,
    ...(o.localCurrency !== undefined && { LocalCurrency: o.localCurrency }),
    ...(o.systemCurrency !== undefined && { SystemCurrency: o.systemCurrency }),
  });
  company.addRates(readJson<RateSpec[]>(dir, 'CurrencyRates.json') ?? []);
  company.addRates(o.rates ?? []);
  company.setPeriods(o.periods ?? readJson<PeriodCategorySpec[]>(dir, 'PostingPeriods.json') ?? []);
  return company;
}
