import { describe, expect, it } from 'vitest';
import { parseJsonata, type AstNode } from './jsonata-ast.js';
import { JSONATA_BUILTINS } from './jsonata-builtins.js';
import { boundNames, functionCalls, libraryExports, unknownCalls } from './jsonata-functions.js';

const ast = (text: string): AstNode => {
  const { ast, problem } = parseJsonata(text);
  if (!ast) throw new Error(problem?.message);
  return ast;
};

/** The text at each problem's offset, to check positions without counting by hand. */
const at = (text: string, offset: number, length = 12): string => text.slice(offset, offset + length);

describe('library exports', () => {
  it('reads an object of functions, and a block whose object names the functions it binds', () => {
    expect(libraryExports(ast('{ "a": function($x) { $x }, "b": λ($y) { $y } }')).exports.map((e) => e.name)).toEqual([
      'a',
      'b',
    ]);
    const text = '( $h := function($x) { $x + 1 }; $n := 5; { "inc": $h, "twice": function($x) { $h($h($x)) } } )';
    const r = libraryExports(ast(text));
    expect(r.problems).toEqual([]);
    expect(r.exports.map((e) => [e.name, at(text, e.offset, e.name.length + 2)])).toEqual([
      ['inc', '"inc"'],
      ['twice', '"twice"'],
    ]);
  });

  it('refuses what is not an object of functions, each problem at its key', () => {
    const expectProblem = (text: string, message: string, where?: string): void => {
      const { problems } = libraryExports(ast(text));
      expect(problems.map((p) => p.code)).toEqual(['LIBRARY_INVALID']);
      expect(problems[0]!.message).toContain(message);
      if (where) expect(at(text, problems[0]!.offset, where.length)).toBe(where);
    };
    expectProblem('function($x) { $x }', "the library's value is not an object of functions");
    expectProblem('[{ "a": function() { 1 } }]', 'not an object of functions');
    expectProblem('( $a := function() { 1 }; $a )', 'not an object of functions');
    expectProblem('{}', 'defines no functions');
    expectProblem('{ "a": function() { 1 }, "n": 5 }', '"n" is not a function', '"n"');
    expectProblem('( $v := 5; { "v": $v } )', '"v" is not a function: give it', '"v"');
    expectProblem('{ "post-entry": function() { 1 } }', 'cannot be called as a $function', '"post-entry"');
    expectProblem('{ "a": function() { 1 }, "a": function() { 2 } }', '"a" is defined twice');
    expectProblem('{ x: function() { 1 } }', 'keys must be function names in quotes');
  });
});

describe('function calls', () => {
  it('finds calls by name, partial applications and ~> $f, at the $ of the name', () => {
    const text = '$a(1) & $b(?, 2) & (x ~> $c) & ($d := function($f) { $f(1) }; $d($e))';
    const calls = functionCalls(ast(text));
    expect(calls.map((c) => [c.name, at(text, c.offset, 2)])).toEqual([
      ['a', '$a'],
      ['b', '$b'],
      ['c', '$c'],
      ['f', '$f'],
      ['d', '$d'],
    ]);
    expect([...boundNames(ast(text))].sort()).toEqual(['d', 'f']);
  });

  it('reports calls to names defined nowhere, with a suggestion when one is close', () => {
    const text = '( $own := function() { 1 }; $own() & $sum([1]) & $postJournalEntri(x) & $zz() )';
    const problems = unknownCalls(ast(text), new Set([...JSONATA_BUILTINS, 'postJournalEntry']), 'the libraries');
    expect(problems.map((p) => [p.code, at(text, p.offset, 17)])).toEqual([
      ['FUNCTION_UNKNOWN', '$postJournalEntri'],
      ['FUNCTION_UNKNOWN', '$zz() )'],
    ]);
    expect(problems[0]!.message).toContain('did you mean $postJournalEntry?');
    expect(problems[0]!.message).toContain('not in the libraries');
    expect(problems[1]!.message).not.toContain('did you mean'); // too short to guess
  });
});
