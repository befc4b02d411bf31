/** The business rules of one entity set: what POST, PATCH, DELETE and bound actions do. */
import type { EmulatorClock } from '../clock.js';
import type { CompanyFacts } from '../company.js';
import type { Entity } from '../edm/codec.js';
import type { EntitySetName } from '../edm/model.js';
import type { EntityStore } from '../store.js';

export interface RuleContext {
  store: EntityStore;
  clock: EmulatorClock;
  set: EntitySetName;
  /** `B1S-ReplaceCollectionsOnPatch: true` was sent. */
  replaceCollections: boolean;
  /** Local currency of the company (`company.localCurrency`). */
  localCurrency: string;
  /** Currencies, exchange rates per day, posting periods. */
  company: CompanyFacts;
}

export interface SetRules {
  /** Validates a decoded POST payload and returns the entity to store (key assigned). */
  create(ctx: RuleContext, input: Entity): Entity;
  /** Validates a decoded PATCH payload and returns the updated entity. */
  update(ctx: RuleContext, existing: Entity, patch: Entity): Entity;
  /** Throws when the entity cannot be deleted; the caller removes it otherwise. */
  remove(ctx: RuleContext, existing: Entity): void;
  /** Bound actions (`POST Set(key)/Name`), answered with 204. */
  actions?: Record<string, (ctx: RuleContext, existing: Entity) => void>;
}
