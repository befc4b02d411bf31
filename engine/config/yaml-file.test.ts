import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_YAML_DEPTH } from './yaml-structure.js';
import { YamlFile } from './yaml-file.js';

const brief = (f: YamlFile): string[] => f.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`).sort();

/** `levels` of nine aliases each to the level before: 9^levels strings from a few lines. */
function laughs(levels: number): string {
  let s = 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i <= levels; i++)
    s += `l${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return s;
}

describe('YamlFile: what the document may contain', () => {
  it('reports each duplicate key where it is repeated, naming the key and its first place', () => {
    const f = new YamlFile('p.yaml', 'a: 1\nb:\n  c: 1\n  c: 2\na: 3\n');
    expect(brief(f)).toEqual(['4:3 YAML_SYNTAX', '5:1 YAML_SYNTAX']);
    expect(f.diagnostics.map((d) => d.message)).toContain('duplicate key "c" (first at 3:3); map keys must be unique');
    expect(f.ok).toBe(false);
    expect(f.toJS()).toBeUndefined();
  });

  it('finds duplicates in flow mappings too, and keys that are equal as values', () => {
    expect(brief(new YamlFile('p.yaml', 'x: {a: 1, b: 2, a: 3}\n'))).toEqual(['1:17 YAML_SYNTAX']);
    expect(brief(new YamlFile('p.yaml', '1: a\n0x1: b\n'))).toEqual(['2:1 YAML_SYNTAX']);
    // keys that become the same property name: the second would silently replace the first
    expect(brief(new YamlFile('p.yaml', '1: a\n"1": b\n'))).toEqual(['2:1 YAML_SYNTAX']);
    expect(brief(new YamlFile('p.yaml', '~: a\n"": b\n'))).toEqual(['2:1 YAML_SYNTAX']);
    expect(new YamlFile('p.yaml', '1: a\n"01": b\n').ok).toBe(true);
  });

  it('refuses keys that are lists or mappings (they would be stringified)', () => {
    const f = new YamlFile('p.yaml', 'version: 1\n? [a, b]\n: 1\n');
    expect(brief(f)).toEqual(['2:3 YAML_KEY_INVALID']);
  });

  it('stops an alias bomb at the alias that crosses the bound, before converting anything', () => {
    const f = new YamlFile('bomb.yaml', laughs(9));
    expect(f.ok).toBe(false);
    expect(f.diagnostics).toHaveLength(1);
    expect(f.diagnostics[0]).toMatchObject({ file: 'bomb.yaml', code: 'YAML_ALIAS_LIMIT', line: 5 });
    expect(f.diagnostics[0]?.message).toContain(String(MAX_ALIAS_EXPANSION));
  });

  it('allows ordinary reuse of anchors, and converts aliases to the anchored values', () => {
    const f = new YamlFile('p.yaml', `${laughs(2)}defaults: &d { a: 1 }\nx: *d\ny: *d\n`);
    expect(f.diagnostics).toEqual([]);
    const data = f.toJS() as { l2: string[][][]; y: unknown };
    expect(data.l2.flat(2)).toHaveLength(729);
    expect(data.y).toEqual({ a: 1 });
  });

  it('limits the number of aliases in a file', () => {
    const text = `a: &a 1\nlist:\n${'  - *a\n'.repeat(MAX_ALIASES + 1)}`;
    const f = new YamlFile('p.yaml', text);
    expect(brief(f)).toEqual([`${MAX_ALIASES + 3}:5 YAML_ALIAS_LIMIT`]);
  });

  it('reports an alias without an anchor, and an alias inside its own anchor', () => {
    expect(brief(new YamlFile('p.yaml', 'a: 1\nb: *nope\n'))).toEqual(['2:4 YAML_ALIAS_UNRESOLVED']);
    const cycle = new YamlFile('p.yaml', 'a: &a\n  b: [1, *a]\n');
    expect(brief(cycle)).toEqual(['2:10 YAML_ALIAS_CYCLE']);
  });

  it('refuses nesting deeper than the bound at the first node too deep, and at any depth without crashing', () => {
    const nested = (n: number): string => `x: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(new YamlFile('p.yaml', nested(MAX_YAML_DEPTH - 1)).ok).toBe(true);
    const f = new YamlFile('p.yaml', nested(MAX_YAML_DEPTH));
    expect(brief(f)).toEqual([`1:${MAX_YAML_DEPTH + 3} YAML_TOO_DEEP`]);
    const huge = new YamlFile('p.yaml', nested(5_000));
    expect(huge.ok).toBe(false);
    expect(huge.diagnostics[0]?.code).toMatch(/^YAML_(SYNTAX|TOO_DEEP)$/);
    expect(huge.diagnostics[0]?.message).not.toContain('call stack');
  });

  it('says that a second document is not allowed, in words about the file', () => {
    const f = new YamlFile('p.yaml', 'a: 1\n---\nb: 2\n');
    expect(brief(f)).toEqual(['2:1 YAML_SYNTAX']);
    expect(f.diagnostics[0]?.message).toContain('more than one YAML document');
    expect(f.diagnostics[0]?.message).not.toContain('parseAllDocuments');
  });

  it('reports tab indentation with its position', () => {
    const f = new YamlFile('p.yaml', 'a:\n\tb: 1\n');
    expect(f.ok).toBe(false);
    expect(f.diagnostics[0]).toMatchObject({ line: 2, col: 1, code: 'YAML_SYNTAX' });
  });
});

describe('YamlFile: locating paths', () => {
  it('places keys and values of mappings and sequences, numeric keys included', () => {
    const f = new YamlFile('p.yaml', 'a:\n  b: [x, {c: 1}]\n  2: two\nlist:\n  - k: v\n');
    expect(f.locate(['a', 'b', '1', 'c'])).toEqual({ line: 2, col: 14 });
    expect(f.locate(['a', 'b', '1', 'c'], 'key')).toEqual({ line: 2, col: 11 });
    expect(f.locate(['a', '2'])).toEqual({ line: 3, col: 6 });
    expect(f.locate(['list', 0, 'k'], 'key')).toEqual({ line: 5, col: 5 });
    // a missing property points at the closest thing that exists
    expect(f.locate(['a', 'missing', 'deeper'])).toEqual({ line: 1, col: 1 });
    expect(f.locate(['a', 'b', '7'])).toEqual({ line: 2, col: 3 });
  });

  it('places offsets inside block and one-line strings', () => {
    const f = new YamlFile('p.yaml', 'a: |\n  first\n    second\n  third\nb: "x ${env:Y}"\nc: plain ${env:Z}\n');
    expect(f.locateInString(['a'], 0)).toEqual({ line: 2, col: 3 });
    expect(f.locateInString(['a'], 'first\n  sec'.length)).toEqual({ line: 3, col: 8 });
    expect(f.locateInString(['a'], 'first\n  second\nth'.length)).toEqual({ line: 4, col: 5 });
    expect(f.locateInString(['b'], 2)).toEqual({ line: 5, col: 7 });
    expect(f.locateInString(['c'], 6)).toEqual({ line: 6, col: 10 });
  });

  it('places every key of a mapping with 20,000 keys at its own line', () => {
    const n = 20_000;
    const f = new YamlFile('p.yaml', Array.from({ length: n }, (_, i) => `k${i}: ${i}\n`).join(''));
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = f.locate([`k${i}`], 'key');
      if (p.line !== i + 1 || p.col !== 1) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });
});
