import { describe, expect, it } from 'vitest';
import { isPlainJson } from './plain-json.js';

describe('isPlainJson', () => {
  it('accepts JSON data, nested', () => {
    expect(isPlainJson({ a: 1, b: 'x', c: [true, null, { d: -0.5 }], e: Object.create(null) })).toBe(true);
    expect(isPlainJson([1, 'two', []])).toBe(true);
    expect(isPlainJson('x')).toBe(true);
  });

  it('refuses what a structured clone would change or cannot carry', () => {
    expect(isPlainJson({ at: new Date(0) })).toBe(false);
    expect(isPlainJson({ blob: Buffer.from('x') })).toBe(false);
    expect(isPlainJson({ lines: [{ big: 1n }] })).toBe(false);
    expect(isPlainJson({ m: new Map() })).toBe(false);
    expect(isPlainJson({ f: () => 1 })).toBe(false);
    class Row {
      a = 1;
    }
    expect(isPlainJson([new Row()])).toBe(false);
  });
});
