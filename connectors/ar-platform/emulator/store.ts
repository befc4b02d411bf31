/**
 * The emulator's records, per collection, keyed as the API keys them. Every write stamps
 * `updatedAt` from the emulator clock (and `createdAt` on first write); a write that changes nothing
 * keeps both, so `updatedSince` only returns what really changed. Lists are ordered by
 * (`updatedAt`, key), the order the cursor pages walk.
 */
import type { Clock } from '../../../engine/runtime/clock.js';
import { KEY_OF, type ArCollections, type CollectionName } from './model.js';

type Unstamped<T> = Omit<T, 'createdAt' | 'updatedAt'>;

export interface PutResult<T> {
  record: T;
  created: boolean;
  changed: boolean;
}

const ID_PREFIX: Partial<Record<CollectionName, string>> = { customers: 'cus_', invoices: 'inv_' };

export class ArStore {
  /** The records, one Map per collection (plain JSON values: the demo saves and restores them). */
  readonly collections: { [C in CollectionName]: Map<string, ArCollections[C]> } = {
    customers: new Map(),
    invoices: new Map(),
    payments: new Map(),
    deductions: new Map(),
    creditLimits: new Map(),
  };
  private readonly seq = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** The emulator clock as an ISO 8601 UTC timestamp. */
  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Today on the emulator clock (`YYYY-MM-DD`). */
  today(): string {
    return this.now().slice(0, 10);
  }

  /** A new platform id for customers (`cus_000001`) and invoices (`inv_000001`). */
  newId(collection: 'customers' | 'invoices'): string {
    // Starts above the highest id stored (seeded or restored records), then counts on.
    const floor = (): number =>
      Math.max(0, ...[...this.collections[collection].values()].map((r) => Number(r.id.slice(4)) || 0));
    const n = (this.seq.get(collection) ?? floor()) + 1;
    this.seq.set(collection, n);
    return `${ID_PREFIX[collection] ?? ''}${String(n).padStart(6, '0')}`;
  }

  get<C extends CollectionName>(collection: C, key: string): ArCollections[C] | undefined {
    return this.collections[collection].get(key);
  }

  size(collection: CollectionName): number {
    return this.collections[collection].size;
  }

  /** Every record, ordered by (updatedAt, key). */
  all<C extends CollectionName>(collection: C): ArCollections[C][] {
    const key: string = KEY_OF[collection];
    return [...this.collections[collection].values()].sort((a, b) => {
      const ua = a.updatedAt;
      const ub = b.updatedAt;
      if (ua !== ub) return ua < ub ? -1 : 1;
      const ka = String((a as unknown as Record<string, unknown>)[key]);
      const kb = String((b as unknown as Record<string, unknown>)[key]);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /**
   * Stores a record; stamps are taken from `stamps` (seed data) or the clock. Unchanged content keeps
   * the stored stamps.
   */
  put<C extends CollectionName>(
    collection: C,
    record: Unstamped<ArCollections[C]>,
    stamps?: { createdAt?: string; updatedAt?: string },
  ): PutResult<ArCollections[C]> {
    const key = String((record as unknown as Record<string, unknown>)[KEY_OF[collection]]);
    const map = this.collections[collection];
    const old = map.get(key);
    if (old && !stamps && sameContent(old, record)) return { record: old, created: false, changed: false };
    const now = this.now();
    const stored = {
      ...record,
      createdAt: stamps?.createdAt ?? old?.createdAt ?? now,
      updatedAt: stamps?.updatedAt ?? now,
    } as ArCollections[C];
    map.set(key, stored);
    return { record: stored, created: old === undefined, changed: true };
  }
}

function sameContent(old: object, next: object): boolean {
  const { createdAt: _c, updatedAt: _u, ...rest } = old as Record<string, unknown>;
  return JSON.stringify(sortKeys(rest)) === JSON.stringify(sortKeys(next as Record<string, unknown>));
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
