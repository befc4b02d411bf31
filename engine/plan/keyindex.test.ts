import { describe, expect, it } from 'vitest';
import { KeyIndex } from './keyindex.js';

describe('KeyIndex', () => {
  it('maps keys to values across growth and reports previous values', () => {
    const idx = new KeyIndex(4);
    for (let i = 0; i < 10_000; i++) expect(idx.set(`key-${i}`, i * 10)).toBeUndefined();
    expect(idx.size).toBe(10_000);
    for (let i = 0; i < 10_000; i += 997) expect(idx.get(`key-${i}`)).toBe(i * 10);
    expect(idx.get('absent')).toBeUndefined();
    expect(idx.set('key-5', 1)).toBe(50);
    expect(idx.get('key-5')).toBe(1);
    expect(idx.size).toBe(10_000);
  });

  it('setIfAbsent keeps the first value and tells the caller', () => {
    const idx = new KeyIndex();
    expect(idx.setIfAbsent('a', 1)).toBeUndefined();
    expect(idx.setIfAbsent('a', 2)).toBe(1);
    expect(idx.get('a')).toBe(1);
    expect(idx.has('A')).toBe(false);
  });

  it('keeps values beyond 32 bits (offsets in files over 4 GB)', () => {
    const idx = new KeyIndex(4);
    idx.set('small', 7);
    idx.set('big', 5 * 2 ** 32 + 3);
    for (let i = 0; i < 100; i++) idx.set(`k${i}`, i);
    expect(idx.get('small')).toBe(7);
    expect(idx.get('big')).toBe(5 * 2 ** 32 + 3);
    expect(idx.get('k99')).toBe(99);
  });

  it('works as a plain set without values', () => {
    const set = new KeyIndex(4, false);
    for (let i = 0; i < 5000; i++) set.setIfAbsent(`k${i}`, i);
    expect(set.size).toBe(5000);
    expect(set.has('k4999')).toBe(true);
    expect(set.setIfAbsent('k1', 9)).toBe(0);
    expect(set.has('nope')).toBe(false);
  });
});
