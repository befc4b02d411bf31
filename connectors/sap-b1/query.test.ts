import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { buildQuery, field, keySegment, literal, renderFilter, where, whereToFilter } from './query.js';

describe('OData query builder', () => {
  it('writes literals: strings quoted with doubled quotes, numbers, booleans, null', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
    expect(literal("''")).toBe("''''''");
    expect(literal('a eq b or 1 eq 1')).toBe("'a eq b or 1 eq 1'");
    expect(literal(12.5)).toBe('12.5');
    expect(literal(-3)).toBe('-3');
    expect(literal(true)).toBe('true');
    expect(literal(null)).toBe('null');
    expect(() => literal(Number.NaN)).toThrow(ConfigError);
  });

  it('refuses field names that are not plain identifiers', () => {
    expect(field('CardCode')).toBe('CardCode');
    for (const bad of ["CardCode eq 'x' or CardCode", 'Address/City', '', '1abc', 'a b'])
      expect(() => field(bad)).toThrow(ConfigError);
    expect(() => where.eq('CardName) or (1', 'x')).toThrow(ConfigError);
  });

  it('renders comparisons, functions, and/or/not with parentheses where needed', () => {
    const f = where.and(
      where.eq('CardType', 'cSupplier'),
      where.or(where.startswith('CardName', "D'Arcy"), where.contains('CardName', 'x')),
      where.not(where.gt('CreditLimit', 0)),
    );
    expect(renderFilter(f!)).toBe(
      "CardType eq 'cSupplier' and (startswith(CardName,'D''Arcy') or contains(CardName,'x')) and not (CreditLimit gt 0)",
    );
    expect(where.and(undefined, undefined)).toBeUndefined();
    expect(renderFilter(where.and(undefined, where.le('DocTotal', 10))!)).toBe('DocTotal le 10');
  });

  it('expands in() to or-ed equalities (the Service Layer has no in)', () => {
    expect(renderFilter(where.in('Reference', ['A', "B'C"])!)).toBe("Reference eq 'A' or Reference eq 'B''C'");
    expect(where.in('Reference', [])).toBeUndefined();
  });

  it('compiles where options: plain values are equalities, objects name their operators', () => {
    const f = whereToFilter({
      CardType: 'cCustomer',
      CreditLimit: { gt: 0, le: 5000 },
      CardName: { startswith: 'A' },
      Email: null,
    });
    expect(renderFilter(f!)).toBe(
      "CardType eq 'cCustomer' and CreditLimit gt 0 and CreditLimit le 5000 and startswith(CardName,'A') and Email eq null",
    );
    expect(() => whereToFilter({ CardName: { like: 'x' } as never })).toThrow(/unsupported condition like/);
    expect(whereToFilter({})).toBeUndefined();
  });

  it('percent-encodes the query string but keeps $ and commas readable', () => {
    const q = buildQuery({
      filter: where.eq('CardName', "O'Brien & Sons #1"),
      select: ['CardCode', 'CardName'],
      orderBy: [{ field: 'CardName', desc: true }, { field: 'CardCode' }],
      top: 10,
      skip: 20,
    });
    expect(q).toBe(
      "$filter=CardName%20eq%20'O''Brien%20%26%20Sons%20%231'&$select=CardCode,CardName&$orderby=CardName%20desc,CardCode%20asc&$top=10&$skip=20",
    );
    expect(decodeURIComponent(q.split('&')[0]!)).toBe("$filter=CardName eq 'O''Brien & Sons #1'");
    expect(buildQuery({})).toBe('');
  });

  it('writes entity keys: strings quoted and encoded, numbers bare', () => {
    expect(keySegment('C1')).toBe("('C1')");
    expect(keySegment("O'B 1/2")).toBe("('O''B%201%2F2')");
    expect(keySegment(12)).toBe('(12)');
  });
});
