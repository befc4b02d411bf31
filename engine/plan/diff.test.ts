import { describe, expect, it } from 'vitest';
import { diffRecords } from './diff.js';
import { SequenceHash, canonicalJson, payloadHash } from './hash.js';

describe('diffRecords', () => {
  it('compares only the fields the pipeline sets, deeply, with paths', () => {
    const desired = { Name: 'B', Lines: [{ Debit: 10, Acct: '6100' }, { Credit: 10 }], Meta: { a: 1 } };
    const actual = {
      Name: 'A',
      ReadOnly: 'x',
      Lines: [{ Debit: '10.00', Acct: '6100', Line_ID: 0 }, { Credit: 12 }],
      Meta: { a: 1, b: 2 },
    };
    expect(diffRecords(desired, actual)).toEqual([
      { path: 'Name', before: 'A', after: 'B' },
      { path: 'Lines[1].Credit', before: 12, after: 10 },
    ]);
  });

  it('reports a changed array length as one change and treats null and missing alike', () => {
    expect(diffRecords({ L: [1, 2] }, { L: [1] })).toEqual([{ path: 'L', before: [1], after: [1, 2] }]);
    expect(diffRecords({ a: null }, {})).toEqual([]);
    expect(diffRecords({ a: '' }, { a: 0 })).toEqual([{ path: 'a', before: 0, after: '' }]);
  });
});

describe('hashes', () => {
  it('canonical JSON ignores key order and undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: undefined }] })).toBe('{"a":[{"y":2}],"b":1}');
  });
  it('canonical JSON is JSON: escapes, empty containers, undefined in arrays, the same value whatever the key order', () => {
    const value = { 'q"k': 'line\nbreak', e: {}, l: [], u: [undefined, null, 1.5, true], n: { z: 'é', a: 0 } };
    expect(canonicalJson(value)).toBe(
      '{"e":{},"l":[],"n":{"a":0,"z":"é"},"q\\"k":"line\\nbreak","u":[null,null,1.5,true]}',
    );
    expect(JSON.parse(canonicalJson(value))).toEqual({ ...value, u: [null, null, 1.5, true] });
    expect(canonicalJson({ n: { a: 0, z: 'é' }, u: value.u, l: [], e: {}, 'q"k': 'line\nbreak' })).toBe(
      canonicalJson(value),
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x')).toBe('"x"');
  });
  it('SequenceHash is sensitive to content and to item boundaries', () => {
    const h = (items: string[]): string => {
      const s = new SequenceHash();
      for (const i of items) s.add(i);
      return s.digest();
    };
    expect(h(['k1=x', 'k2=y'])).toBe(h(['k1=x', 'k2=y']));
    expect(h(['k1=x', 'k2=y'])).not.toBe(h(['k1=x', 'k2=z']));
    expect(h(['ab', 'c'])).not.toBe(h(['a', 'bc']));
  });
  it('payloadHash is short and differs with content', () => {
    expect(payloadHash({ a: 1 })).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(payloadHash({ a: 1 })).not.toBe(payloadHash({ a: 2 }));
  });
});
