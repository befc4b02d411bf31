/**
 * A compact map from string keys to non-negative integers (record numbers, file offsets), for
 * millions of keys within a small memory budget: keys are hashed to 64 bits and kept in typed arrays
 * with open addressing (about 24 bytes a key, against ~100 for a Map of strings). Two different keys
 * share a 64-bit hash with negligible probability (about 3e-8 at 1M keys); callers that must be exact
 * verify a hit against the real key (e.g. by reading the record at the stored offset).
 */
import { createHash } from 'node:crypto';

const EMPTY = 0n;

export function hashKey(key: string): bigint {
  const h = createHash('sha1').update(key).digest();
  const v = h.readBigUInt64LE(0);
  return v === EMPTY ? 1n : v; // 0 marks an empty slot
}

export class KeyIndex {
  private hashes: BigUint64Array;
  private values: Float64Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.hashes = new BigUint64Array(cap);
    this.values = new Float64Array(cap);
  }

  get size(): number {
    return this.count;
  }

  private slot(h: bigint): number {
    const mask = this.hashes.length - 1;
    let i = Number(h & BigInt(mask));
    for (;;) {
      const cur = this.hashes[i]!;
      if (cur === EMPTY || cur === h) return i;
      i = (i + 1) & mask;
    }
  }

  /** Sets the value; returns the previous value, or undefined when the key was new. */
  set(key: string, value: number): number | undefined {
    return this.setHash(hashKey(key), value);
  }

  setHash(h: bigint, value: number): number | undefined {
    if ((this.count + 1) * 2 > this.hashes.length) this.grow();
    const i = this.slot(h);
    if (this.hashes[i] === h) {
      const prev = this.values[i]!;
      this.values[i] = value;
      return prev;
    }
    this.hashes[i] = h;
    this.values[i] = value;
    this.count++;
    return undefined;
  }

  get(key: string): number | undefined {
    const i = this.slot(hashKey(key));
    return this.hashes[i] === EMPTY ? undefined : this.values[i];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets the value only if the key is new; returns the existing value otherwise. */
  setIfAbsent(key: string, value: number): number | undefined {
    const h = hashKey(key);
    const i = this.slot(h);
    if (this.hashes[i] === h) return this.values[i];
    this.setHash(h, value);
    return undefined;
  }

  private grow(): void {
    const oldH = this.hashes;
    const oldV = this.values;
    this.hashes = new BigUint64Array(oldH.length * 2);
    this.values = new Float64Array(oldV.length * 2);
    this.count = 0;
    for (let i = 0; i < oldH.length; i++) {
      const h = oldH[i]!;
      if (h !== EMPTY) this.setHash(h, oldV[i]!);
    }
  }
}
