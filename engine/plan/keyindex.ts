/**
 * A compact map from string keys to non-negative integers (record numbers, file offsets), for
 * millions of keys within a small memory budget: keys are hashed to 64 bits (two independent 32-bit
 * halves, cyrb53-style mixing, no BigInt) and kept in typed arrays with open addressing, about 24
 * bytes a key against ~100 for a Map of strings. Two different keys share a 64-bit hash with
 * probability about 3e-8 at 1M keys; callers that must be exact verify a hit against the real key
 * (e.g. by reading the record at the stored offset).
 */

/** The two 32-bit halves of a key's hash; (0, 0) is reserved for empty slots. */
export function hashKey(key: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 >>>= 0;
  h2 >>>= 0;
  return h1 === 0 && h2 === 0 ? [0, 1] : [h1, h2];
}

export class KeyIndex {
  private lo: Uint32Array;
  private hi: Uint32Array;
  /**
   * 32-bit values until one does not fit (then 64-bit floats); empty when the index is a plain set
   * (`withValues` false), where every present key reads as 0.
   */
  private values: Uint32Array | Float64Array;
  private count = 0;

  constructor(
    initialCapacity = 1024,
    private readonly withValues = true,
  ) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.lo = new Uint32Array(cap);
    this.hi = new Uint32Array(cap);
    this.values = new Uint32Array(withValues ? cap : 0);
  }

  private store(i: number, value: number): void {
    if (this.values instanceof Uint32Array && (value > 0xffffffff || value < 0 || !Number.isInteger(value))) {
      this.values = Float64Array.from(this.values);
    }
    this.values[i] = value;
  }

  private valueAt(i: number): number {
    return this.withValues ? this.values[i]! : 0;
  }

  get size(): number {
    return this.count;
  }

  /** Slot holding (a, b), or the empty slot where it would go. */
  private slot(a: number, b: number): number {
    const mask = this.lo.length - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const x = this.lo[i]!;
      const y = this.hi[i]!;
      if ((x === 0 && y === 0) || (x === a && y === b)) return i;
      i = (i + 1) & mask;
    }
  }

  private isEmpty(i: number): boolean {
    return this.lo[i] === 0 && this.hi[i] === 0;
  }

  /** Sets the value; returns the previous value, or undefined when the key was new. */
  set(key: string, value: number): number | undefined {
    const [a, b] = hashKey(key);
    return this.setHash(a, b, value);
  }

  private setHash(a: number, b: number, value: number): number | undefined {
    if ((this.count + 1) * 2 > this.lo.length) this.grow();
    const i = this.slot(a, b);
    if (!this.isEmpty(i)) {
      const prev = this.valueAt(i);
      if (this.withValues) this.store(i, value);
      return prev;
    }
    this.lo[i] = a;
    this.hi[i] = b;
    if (this.withValues) this.store(i, value);
    this.count++;
    return undefined;
  }

  get(key: string): number | undefined {
    const [a, b] = hashKey(key);
    const i = this.slot(a, b);
    return this.isEmpty(i) ? undefined : this.valueAt(i);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets the value only if the key is new; returns the existing value otherwise. */
  setIfAbsent(key: string, value: number): number | undefined {
    const [a, b] = hashKey(key);
    const i = this.slot(a, b);
    if (!this.isEmpty(i)) return this.valueAt(i);
    this.setHash(a, b, value);
    return undefined;
  }

  private grow(): void {
    const { lo, hi, values } = this;
    this.lo = new Uint32Array(lo.length * 2);
    this.hi = new Uint32Array(hi.length * 2);
    this.values =
      values instanceof Float64Array
        ? new Float64Array(lo.length * 2)
        : new Uint32Array(this.withValues ? lo.length * 2 : 0);
    this.count = 0;
    for (let i = 0; i < lo.length; i++) {
      if (lo[i] !== 0 || hi[i] !== 0) this.setHash(lo[i]!, hi[i]!, this.withValues ? values[i]! : 0);
    }
  }
}
