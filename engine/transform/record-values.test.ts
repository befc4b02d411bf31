import { describe, expect, it } from 'vitest';
import { MAX_RECORD_DEPTH, recordValueProblem } from './record-values.js';

function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('record values', () => {
  it('accepts finite numbers, strings, nulls and nesting up to the limit', () => {
    expect(recordValueProblem({ a: 1.5, b: 'x', c: null, d: [1, { e: -0 }] })).toBeUndefined();
    expect(recordValueProblem(nested(MAX_RECORD_DEPTH))).toBeUndefined();
  });

  it('names the path of a non-finite number', () => {
    expect(recordValueProblem({ lines: [{ amount: 1 }, { amount: JSON.parse('1e999') as number }] })).toMatchObject({
      code: 'RECORD_NOT_FINITE',
      path: 'lines[1].amount',
    });
    expect(recordValueProblem({ 'odd key': NaN })?.path).toBe('["odd key"]');
    expect(recordValueProblem({ x: -Infinity })?.message).toContain('-Infinity at x');
  });

  it('refuses nesting beyond the limit without overflowing the stack, even 100,000 deep', () => {
    expect(recordValueProblem(nested(MAX_RECORD_DEPTH + 1))?.code).toBe('RECORD_TOO_DEEP');
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(recordValueProblem(deep)?.code).toBe('RECORD_TOO_DEEP');
  });
});
