import { describe, expect, it } from 'vitest';
import { ConfigError, RecordError } from '../errors.js';
import { bindLibraries, evaluateLibrary, type JsonataFile } from './library.js';
import { Transform, type LookupTable } from './transform.js';

const lib = (path: string, text: string): JsonataFile => ({ path, text });
const table = (rows: Record<string, Record<string, unknown>>): LookupTable => ({
  get: (k) => rows[k],
  size: Object.keys(rows).length,
});
const noLookup = (): unknown => {
  throw new Error('no lookups here');
};

describe('function libraries', () => {
  it("bind a library's functions for the transform; they call each other by name, in either order", async () => {
    const posting = lib(
      'posting.jsonata',
      '{ "post": function($x) { { "lines": $lines($x) } }, "lines": function($x) { $x.($double($)) }, "double": function($n) { $n * 2 } }',
    );
    const t = await Transform.create({ transform: '$post(amounts)', libraries: [posting] }, new Map());
    expect(JSON.stringify(await t.apply({ amounts: [1, 2] }))).toBe('[{"lines":[2,4]}]');
  });

  it('keep the private helpers of a block, and reach the run’s lookups from inside a function', async () => {
    const accounts = lib(
      'accounts.jsonata',
      '( $name := function($code) { $lookup("gl", $code).Name }; { "label": function($code) { $code & " " & $name($code) } } )',
    );
    const lookups = new Map([['gl', table({ '6100': { Name: 'Travel' } })]]);
    const t = await Transform.create({ transform: '{ "memo": $label(account) }', libraries: [accounts] }, lookups);
    expect(await t.apply({ account: '6100' })).toEqual([{ memo: '6100 Travel' }]);
    // the helper is not bound for the transform
    const hidden = await Transform.create({ transform: '$name("6100")', libraries: [accounts] }, lookups);
    await expect(hidden.apply({})).rejects.toThrow(/T1006/);
  });

  it('send a record to attention with the message of $error raised inside a library function', async () => {
    const checks = lib(
      'checks.jsonata',
      '{ "require": function($v, $what) { $v ? $v : $error($what & " is missing") } }',
    );
    const t = await Transform.create({ transform: '{ "id": $require(id, "the id") }', libraries: [checks] }, new Map());
    const err = await t.apply({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordError);
    expect(err).toMatchObject({ code: 'TRANSFORM_FAILED', message: 'the id is missing' });
  });

  it('name the lookups a pipeline has when a library reads one it does not', async () => {
    const l = lib('p.jsonata', '{ "project": function($c) { $lookup("projects", $c) } }');
    const t = await Transform.create({ transform: '$project("P1")', libraries: [l] }, new Map([['gl', table({})]]));
    await expect(t.apply({})).rejects.toThrow('no lookup named "projects" in this pipeline (it defines: gl)');
  });

  it('refuse a library whose value is not an object of functions, or that fails to load, keeping the cause', async () => {
    await expect(evaluateLibrary(lib('a.jsonata', '[1]'), noLookup)).rejects.toMatchObject({
      code: 'LIBRARY_INVALID',
      message: "a.jsonata: the library's value is not an object of functions",
    });
    await expect(evaluateLibrary(lib('b.jsonata', '{ "f": 1 }'), noLookup)).rejects.toThrow('"f" is not a function');
    const failed = await evaluateLibrary(lib('c.jsonata', '( $x := $lookup("t", 1); {} )'), noLookup).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(ConfigError);
    expect((failed as ConfigError).message).toContain('c.jsonata: the library failed to load');
    expect((failed as ConfigError).cause).toBeInstanceOf(Error);
  });

  it('refuse a name two libraries define', async () => {
    const a = lib('a.jsonata', '{ "f": function() { 1 } }');
    const b = lib('b.jsonata', '{ "g": function() { 2 }, "f": function() { 3 } }');
    await expect(bindLibraries([a, b], noLookup)).rejects.toMatchObject({
      code: 'FUNCTION_CLASH',
      message: '$f is defined by both a.jsonata and b.jsonata',
    });
  });

  it('evaluate each library once per transform, not once per record', async () => {
    let loads = 0;
    const counting = lib('n.jsonata', '( $x := $lookup("count", "k"); { "f": function() { 1 } } )');
    const lookups = new Map([['count', { get: () => ({ n: ++loads }), size: 1 } satisfies LookupTable]]);
    const t = await Transform.create({ transform: '{ "v": $f() }', libraries: [counting] }, lookups);
    for (let i = 0; i < 5; i++) await t.apply({});
    expect(loads).toBe(1);
  });
});
