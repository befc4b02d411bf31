import { describe, expect, it } from 'vitest';
import { compileFilter } from './filter-eval.js';
import { parseFilter, tokenize } from './filter-parser.js';

const bp = (over: Record<string, unknown>) => ({
  CardCode: 'C1',
  CardName: 'Acme',
  CardType: 'cCustomer',
  CreditLimit: 100,
  UpdateDate: '2024-03-05',
  ...over,
});
const run = (filter: string, entity: Record<string, unknown>, ci = false) =>
  compileFilter(parseFilter(filter), 'BusinessPartner', { caseInsensitive: ci })(entity);

describe('$filter parser', () => {
  it('reads quoted strings with doubled quotes, numbers, typed literals and words', () => {
    expect(tokenize("CardName eq 'O''Brien' and CreditLimit gt -1.5 or X eq datetime'2024-01-01'")).toEqual([
      { k: 'word', v: 'CardName' },
      { k: 'word', v: 'eq' },
      { k: 'str', v: "O'Brien" },
      { k: 'word', v: 'and' },
      { k: 'word', v: 'CreditLimit' },
      { k: 'word', v: 'gt' },
      { k: 'num', v: -1.5 },
      { k: 'word', v: 'or' },
      { k: 'word', v: 'X' },
      { k: 'word', v: 'eq' },
      { k: 'str', v: '2024-01-01', prefix: 'datetime' },
    ]);
  });

  it('binds not tighter than and, and tighter than or', () => {
    expect(parseFilter('not A eq 1 and B eq 2 or C eq 3')).toEqual({
      t: 'or',
      left: {
        t: 'and',
        left: { t: 'not', expr: { t: 'cmp', op: 'eq', left: { t: 'prop', name: 'A' }, right: { t: 'lit', value: 1 } } },
        right: { t: 'cmp', op: 'eq', left: { t: 'prop', name: 'B' }, right: { t: 'lit', value: 2 } },
      },
      right: { t: 'cmp', op: 'eq', left: { t: 'prop', name: 'C' }, right: { t: 'lit', value: 3 } },
    });
  });

  it.each([
    ["CardName eq 'open", /unterminated/],
    ['CardName eq', /unexpected end/],
    ["tolower(CardName) eq 'a'", /not supported/],
    ["(CardName eq 'a'", /expected '\)'/],
    ["CardName eq 'a' 'b'", /trailing/],
    ["Address/City eq 'x'", /unexpected '\/'/],
  ])('rejects %s', (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(message);
  });
});

describe('$filter evaluation', () => {
  it('compares with eq ne gt ge lt le', () => {
    expect(run('CreditLimit eq 100', bp({}))).toBe(true);
    expect(run('CreditLimit ne 100', bp({}))).toBe(false);
    expect(run('CreditLimit gt 99.99', bp({}))).toBe(true);
    expect(run('CreditLimit ge 100', bp({}))).toBe(true);
    expect(run('CreditLimit lt 100', bp({}))).toBe(false);
    expect(run('CreditLimit le 100', bp({}))).toBe(true);
  });

  it('combines with and, or, not and parentheses', () => {
    expect(run("(CardCode eq 'X' or CardCode eq 'C1') and not CreditLimit gt 500", bp({}))).toBe(true);
    expect(run("CardCode eq 'X' or CardCode eq 'C1' and CreditLimit gt 500", bp({}))).toBe(false);
  });

  it('supports startswith, endswith, contains and substringof (arguments reversed)', () => {
    expect(run("startswith(CardName,'Ac')", bp({}))).toBe(true);
    expect(run("endswith(CardName,'me')", bp({}))).toBe(true);
    expect(run("contains(CardName,'cm')", bp({}))).toBe(true);
    expect(run("substringof('cm',CardName)", bp({}))).toBe(true);
    expect(run("substringof(CardName,'cm')", bp({}))).toBe(false);
  });

  it('matches enums by member name or stored value, also in the typed v2 form', () => {
    expect(run("CardType eq 'cCustomer'", bp({}))).toBe(true);
    expect(run("CardType eq 'C'", bp({}))).toBe(true);
    expect(run("CardType eq SAPB1.BoCardTypes'cCustomer'", bp({}))).toBe(true);
    expect(() => run("CardType eq 'Z'", bp({}))).toThrow(/not a value of BoCardTypes/);
  });

  it('accepts every date literal form and compares by date', () => {
    for (const lit of ["'2024-03-05'", "'20240305'", "datetime'2024-03-05T00:00:00'", "'2024-03-05T00:00:00Z'"]) {
      expect(run(`UpdateDate eq ${lit}`, bp({}))).toBe(true);
    }
    expect(run("UpdateDate ge '2024-03-06'", bp({}))).toBe(false);
  });

  it('handles eq null and ne null', () => {
    expect(run('EmailAddress eq null', bp({}))).toBe(true);
    expect(run('EmailAddress ne null', bp({ EmailAddress: 'a@b' }))).toBe(true);
    expect(run("EmailAddress gt 'a'", bp({}))).toBe(false);
  });

  it('is case-sensitive unless asked otherwise', () => {
    expect(run("CardName eq 'acme'", bp({}))).toBe(false);
    expect(run("CardName eq 'acme'", bp({}), true)).toBe(true);
    expect(run("contains(CardName,'ACM')", bp({}), true)).toBe(true);
  });

  it('rejects unknown properties, collection properties and functions over numbers', () => {
    expect(() => run("Nope eq 'x'", bp({}))).toThrow("Property 'Nope' of 'BusinessPartner' is invalid");
    expect(() => run("BPAddresses eq 'x'", bp({}))).toThrow(/not a primitive/);
    expect(() => run("startswith(CreditLimit,'1')", bp({}))).toThrow(/not a string/);
    expect(() => run('CardCode', bp({}))).toThrow(/not a condition/);
  });

  it('answers a chain of eq on one property (a key look-up) as the comparisons would, case and types included', () => {
    const chain = "CardCode eq 'C1' or CardCode eq 'c2' or CardCode eq null";
    expect(run(chain, bp({}))).toBe(true);
    expect(run(chain, bp({ CardCode: 'C2' }))).toBe(false);
    expect(run(chain, bp({ CardCode: 'C2' }), true)).toBe(true);
    expect(run(chain, bp({ CardCode: undefined }))).toBe(true);
    expect(run(chain, bp({ CardCode: 'C3' }), true)).toBe(false);
    expect(run('CreditLimit eq 100 or CreditLimit eq 5', bp({}))).toBe(true);
    expect(run("CreditLimit eq '100' or CreditLimit eq 5", bp({}))).toBe(true);
    expect(run("CardType eq 'C' or CardType eq 'S'", bp({}))).toBe(true);
    expect(run("UpdateDate eq '20240305' or UpdateDate eq '2024-01-01'", bp({}))).toBe(true);
    // another property, or another operator, in the chain: evaluated term by term
    expect(run("CardCode eq 'X' or CardName eq 'Acme'", bp({}))).toBe(true);
    expect(run("CardCode eq 'X' or CreditLimit gt 5", bp({}))).toBe(true);
    expect(() => run("CardCode eq 'X' or Nope eq 'x'", bp({}))).toThrow(
      "Property 'Nope' of 'BusinessPartner' is invalid",
    );
  });
});
