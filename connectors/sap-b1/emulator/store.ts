/**
 * The emulator's company database: one Map per entity set (key → stored entity), number sequences,
 * facts the Service Layer keeps but does not expose in the 2019 metadata (amounts paid on an
 * invoice, whether a journal entry was cancelled), and the company's currencies, rates and periods.
 */
import { CompanyFacts } from './company.js';
import { SERVED_ENTITY_SETS, type EntitySetName } from './edm/model.js';
import type { Entity } from './edm/codec.js';
import { ENTITY_SETS } from './entity-sets.js';

export type EntityState = Record<EntitySetName, Map<string, Entity>>;

export interface HiddenFacts {
  /** `Invoices(5)` / `CreditNotes(1)` → amount already applied by payments or credit notes. */
  applied: Map<string, number>;
  /** Cancelled journal entry JdtNum → reversal JdtNum. */
  reversals: Map<number, number>;
}

export class EntityStore {
  readonly state: EntityState;
  readonly hidden: HiddenFacts = { applied: new Map(), reversals: new Map() };
  private readonly sequences = new Map<string, number>();

  constructor(readonly company: CompanyFacts = new CompanyFacts()) {
    this.state = Object.fromEntries(SERVED_ENTITY_SETS.map((s) => [s, new Map<string, Entity>()])) as EntityState;
  }

  get(set: EntitySetName, key: string | number): Entity | undefined {
    return this.state[set].get(String(key));
  }

  put(set: EntitySetName, entity: Entity): void {
    const key = entity[ENTITY_SETS[set].key];
    if (key === undefined || key === null) throw new Error(`${set} entity without key ${ENTITY_SETS[set].key}`);
    this.state[set].set(String(key), entity);
  }

  delete(set: EntitySetName, key: string | number): boolean {
    return this.state[set].delete(String(key));
  }

  all(set: EntitySetName): Entity[] {
    return [...this.state[set].values()];
  }

  /** Next number of a sequence (a key or a document number), above anything already stored. */
  next(sequence: string, floor: () => number): number {
    const current = this.sequences.get(sequence) ?? floor();
    const value = current + 1;
    this.sequences.set(sequence, value);
    return value;
  }

  /** A copy of everything, to roll a failed $batch change set back. */
  snapshot(): () => void {
    const state = Object.fromEntries(Object.entries(this.state).map(([set, map]) => [set, new Map(map)]));
    const applied = new Map(this.hidden.applied);
    const reversals = new Map(this.hidden.reversals);
    const sequences = new Map(this.sequences);
    const company = this.company.snapshot();
    return () => {
      company();
      for (const [set, map] of Object.entries(state)) {
        const live = this.state[set as EntitySetName];
        live.clear();
        for (const [k, v] of map) live.set(k, v);
      }
      this.hidden.applied = applied;
      this.hidden.reversals = reversals;
      this.sequences.clear();
      for (const [k, v] of sequences) this.sequences.set(k, v);
    };
  }

  /** Highest numeric value of a field in a set (0 when empty). */
  maxOf(set: EntitySetName, field: string): number {
    let max = 0;
    for (const e of this.state[set].values()) {
      const v = e[field];
      if (typeof v === 'number' && v > max) max = v;
    }
    return max;
  }
}
