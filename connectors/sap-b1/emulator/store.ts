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

/** Undo steps of the change set in progress, newest last. */
type Journal = (() => void)[];

/**
 * A Map that, while a $batch change set runs, remembers how to undo each change made to it —
 * whoever makes it (handlers, rules, a test seeding the company) — so a failed change set is rolled
 * back in the time of its own changes, however large the company is.
 */
class JournaledMap<K, V> extends Map<K, V> {
  constructor(private readonly journal: () => Journal | undefined) {
    super();
  }

  override set(key: K, value: V): this {
    this.remember(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.remember(key);
    return super.delete(key);
  }

  override clear(): void {
    const j = this.journal();
    if (j) {
      const before = [...super.entries()];
      j.push(() => {
        super.clear();
        for (const [k, v] of before) super.set(k, v);
      });
    }
    super.clear();
  }

  private remember(key: K): void {
    const j = this.journal();
    if (!j) return;
    if (super.has(key)) {
      const old = super.get(key) as V;
      j.push(() => void super.set(key, old));
    } else j.push(() => void super.delete(key));
  }
}

/** A $batch change set's changes: undone by `rollback`, kept by `end`. */
export interface ChangeSet {
  rollback(): void;
  end(): void;
}

export class EntityStore {
  readonly state: EntityState;
  readonly hidden: HiddenFacts;
  private readonly sequences = new Map<string, number>();
  private journal: Journal | undefined;

  constructor(readonly company: CompanyFacts = new CompanyFacts()) {
    const map = <K, V>(): Map<K, V> => new JournaledMap<K, V>(() => this.journal);
    this.state = Object.fromEntries(SERVED_ENTITY_SETS.map((s) => [s, map<string, Entity>()])) as EntityState;
    this.hidden = { applied: map(), reversals: map() };
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

  /**
   * Starts a change set: every change to the entity sets, the hidden facts, the number sequences
   * and the company facts from now on is undone by `rollback`, or kept by `end`.
   */
  begin(): ChangeSet {
    if (this.journal) throw new Error('a change set is already in progress');
    const journal: Journal = [];
    this.journal = journal;
    const sequences = new Map(this.sequences);
    const company = this.company.begin();
    let open = true;
    const end = (): boolean => {
      if (!open) return false;
      open = false;
      this.journal = undefined;
      return true;
    };
    return {
      rollback: () => {
        if (!end()) return;
        for (let i = journal.length - 1; i >= 0; i--) journal[i]!();
        this.sequences.clear();
        for (const [k, v] of sequences) this.sequences.set(k, v);
        company.rollback();
      },
      end: () => {
        if (end()) company.end();
      },
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
