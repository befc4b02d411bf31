/** Pure arithmetic of the benchmark: medians, ratios and the pass/fail of a figure against its target. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `a / b`, undefined when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  return a / b;
}

/** Median of the defined values, undefined when there are none. */
export function medianOf(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return defined.length === 0 ? undefined : median(defined);
}

export interface Target {
  op: '<=' | '>=' | '==';
  limit: number;
}

export type Verdict = 'pass' | 'fail' | 'n/a';

export function evaluate(value: number | undefined, target: Target | undefined): Verdict {
  if (target === undefined || value === undefined || !Number.isFinite(value)) return 'n/a';
  switch (target.op) {
    case '<=':
      return value <= target.limit ? 'pass' : 'fail';
    case '>=':
      return value >= target.limit ? 'pass' : 'fail';
    case '==':
      return value === target.limit ? 'pass' : 'fail';
  }
}

/**
 * The fewest Concur List v4 calls a list sync can make (tokens aside): the list resolved by name,
 * its items in pages of 100 (one page when empty), then ceil(creates / 250) POST bulk calls and
 * ceil((updates + deactivations) / 250) PATCH bulk calls.
 */
export function minimumListCalls(input: { itemsBefore: number; creates: number; changes: number }): number {
  const pages = Math.max(1, Math.ceil(input.itemsBefore / 100));
  return 1 + pages + Math.ceil(input.creates / 250) + Math.ceil(input.changes / 250);
}
