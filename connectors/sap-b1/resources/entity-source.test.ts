import { describe, expect, it } from 'vitest';
import { capPages, entityQuery, type EntitySourceSpec } from './entity-source.js';
import { chunkKeys } from './key-lookup.js';

const spec: EntitySourceSpec = {
  entitySet: 'Invoices',
  key: 'DocEntry',
  cursorFields: { DocEntry: 'int', UpdateDate: 'date' },
};
const decoded = (q: string): string => decodeURIComponent(q);

describe('entity source queries', () => {
  it('orders by the key for stable pages, and by cursor then key when incremental', () => {
    expect(decoded(entityQuery(spec, {}))).toBe('$orderby=DocEntry asc');
    expect(decoded(entityQuery(spec, {}, { since: '2024-03-01T10:00:00Z', cursorField: 'UpdateDate' }))).toBe(
      "$filter=UpdateDate ge '2024-03-01'&$orderby=UpdateDate asc,DocEntry asc",
    );
    expect(decoded(entityQuery(spec, {}, { since: '12', cursorField: 'DocEntry' }))).toBe(
      '$filter=DocEntry ge 12&$orderby=DocEntry asc,DocEntry asc',
    );
  });

  it('always selects the key (and the cursor field) with $select', () => {
    expect(decoded(entityQuery(spec, { select: ['DocTotal'] }, { since: '1', cursorField: 'DocEntry' }))).toContain(
      '$select=DocEntry,DocTotal',
    );
    expect(
      decoded(entityQuery(spec, { select: ['DocTotal'] }, { since: '2024-01-01', cursorField: 'UpdateDate' })),
    ).toContain('$select=DocEntry,UpdateDate,DocTotal');
  });

  it('combines the resource filter, where and the cursor', () => {
    const withBase: EntitySourceSpec = {
      ...spec,
      baseFilter: () => ({ kind: 'cmp', field: 'DocumentStatus', op: 'eq', value: 'bost_Open' }),
    };
    expect(
      decoded(entityQuery(withBase, { where: { CardCode: 'C3001' } }, { since: '5', cursorField: 'DocEntry' })),
    ).toBe(
      "$filter=DocumentStatus eq 'bost_Open' and CardCode eq 'C3001' and DocEntry ge 5&$orderby=DocEntry asc,DocEntry asc",
    );
  });
});

describe('page capping', () => {
  it('splits pages larger than asked for and passes the others through', async () => {
    async function* pages(): AsyncGenerator<number[]> {
      yield [1, 2, 3, 4, 5];
      yield [6, 7];
      yield [];
    }
    const out: number[][] = [];
    for await (const p of capPages(pages() as unknown as AsyncIterable<Record<string, unknown>[]>, 2))
      out.push(p as unknown as number[]);
    expect(out).toEqual([[1, 2], [3, 4], [5], [6, 7], []]);
  });
});

describe('lookup chunks', () => {
  it('keeps each $filter short and drops repeated keys', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `KEY-${i}`);
    const chunks = chunkKeys('Reference', [...keys, 'KEY-1']);
    expect(chunks.flat()).toEqual(keys);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(40);
    const long = Array.from({ length: 30 }, (_, i) => `${'x'.repeat(90)}${i}`);
    for (const c of chunkKeys('Reference', long))
      expect(c.reduce((s, k) => s + k.length + 20, 0)).toBeLessThanOrEqual(1600);
  });
});
