/**
 * Who evaluates a chunk of a page (transform-pool.ts): one Int32 per chunk in a SharedArrayBuffer,
 * claimed with Atomics.compareExchange by a transform thread or by the main thread, never both.
 */
export const CLAIM_FREE = 0;
export const CLAIM_THREAD = 1;
export const CLAIM_MAIN = 2;

/** Claims chunk `chunk` for `who`: true when it was free (the caller evaluates it). */
export function claim(claims: Int32Array, chunk: number, who: typeof CLAIM_THREAD | typeof CLAIM_MAIN): boolean {
  return Atomics.compareExchange(claims, chunk, CLAIM_FREE, who) === CLAIM_FREE;
}
