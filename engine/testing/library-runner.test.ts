import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryRegistry } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { findTestFiles } from './find.js';
import { runTestFile } from './runner.js';

const LIBRARY = `(
  $cents := function($v) { $round($v * 100) };
  {
    "net": function($line) { $cents($line.amount - $line.discount) / 100 },
    "account": function($type) {
      $lookup('types', $type).gl ? $lookup('types', $type).gl : $error("expense type " & $type & " has no account")
    },
    "lines": function($lines) { $lines.{ "net": $net($), "account": $account(type) } }
  }
)
`;

const TESTS = `lookups:
  types: { key: type }
cases:
  - name: net amount
    call: net
    args: [ { amount: 10.5, discount: 0.25 } ]
    expect: { result: 10.25 }
  - name: an unmapped type fails with the reason
    call: account
    args: [ GIFTS ]
    lookups: { types: [ { type: MEALS, gl: "6100" } ] }
    expect: { error: "expense type GIFTS has no account" }
  - name: lines use the other functions and the lookups
    call: lines
    args: [ [ { amount: 5, discount: 0, type: MEALS }, { amount: 1, discount: 1, type: MEALS } ] ]
    lookups: { types: [ { type: MEALS, gl: "6100" } ] }
    expect: { result: [ { net: 5, account: "6100" }, { net: 0, account: "6100" } ] }
  - name: nothing is null
    call: net
    args: [ {} ]
    expect: { result: null }
`;

function write(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const run = (path: string) => runTestFile(path, memoryRegistry);

describe('library tests', () => {
  it('call each function with its arguments and lookups, and compare results and error messages', async () => {
    const dir = write({ 'm/lib.jsonata': LIBRARY, 'm/lib.test.yaml': TESTS });
    const { results, diagnostics } = await run(join(dir, 'm/lib.test.yaml'));
    expect(diagnostics).toEqual([]);
    expect(results.map((r) => [r.name, r.ok, r.failures])).toEqual([
      ['net amount', true, []],
      ['an unmapped type fails with the reason', true, []],
      ['lines use the other functions and the lookups', true, []],
      ['nothing is null', true, []],
    ]);
  });

  it('print what differs, field by field, and a wrong or missing error', async () => {
    const wrong = TESTS.replace('result: 10.25', 'result: 10.5')
      .replace('has no account" }', 'is unknown" }')
      .replace('{ net: 0, account: "6100" } ]', '{ net: 0, account: "6200", memo: x } ]')
      .replace('args: [ {} ]\n    expect: { result: null }', 'args: [ {} ]\n    expect: { error: "boom" }');
    const dir = write({ 'lib.jsonata': LIBRARY, 'lib.test.yaml': wrong });
    const { results } = await run(join(dir, 'lib.test.yaml'));
    expect(results.map((r) => r.failures)).toEqual([
      ['result: expected 10.5, got 10.25'],
      ['error: expected a message containing "expense type GIFTS is unknown", got "expense type GIFTS has no account"'],
      ['result[1].account: expected "6200", got "6100"', 'result[1].memo: expected "x", got (missing)'],
      ['expected an error containing "boom"; the call returned (nothing)'],
    ]);
  });

  it('report a failing call, JSONata errors included, when a result was expected', async () => {
    const dir = write({
      'lib.jsonata': LIBRARY,
      'lib.test.yaml': TESTS.replace('args: [ GIFTS ]', 'args: [ GIFTS ]\n    # (expects a result)').replace(
        'expect: { error: "expense type GIFTS has no account" }',
        'expect: { result: "6100" }',
      ),
    });
    const { results } = await run(join(dir, 'lib.test.yaml'));
    expect(results[1]?.failures).toEqual(['the call failed: expense type GIFTS has no account']);
  });

  it('refuse a test file that calls an undefined function or an undeclared lookup, at its position', async () => {
    const bad = TESTS.replace('call: net\n    args: [ { amount', 'call: gross\n    args: [ { amount').replace(
      'lookups: { types: [ { type: MEALS, gl: "6100" } ] }\n    expect: { error',
      'lookups: { kinds: [] }\n    expect: { error',
    );
    const dir = write({ 'lib.jsonata': LIBRARY, 'lib.test.yaml': bad });
    const { results, diagnostics } = await run(join(dir, 'lib.test.yaml'));
    expect(results).toEqual([]);
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      '5:11 FUNCTION_UNKNOWN the library defines no function "gross"; it defines: net, account, lines',
      '11:16 LOOKUP_UNKNOWN lookup "kinds" is not declared under `lookups:` at the top of this file (with its key); declared: types',
    ]);
  });

  it('report problems of the library itself in the library, and a missing library in the test file', async () => {
    const dir = write({
      'lib.jsonata': LIBRARY.replace('$line.amount - $line.discount', '$line.amount - '),
      'lib.test.yaml': TESTS,
    });
    const { diagnostics } = await run(join(dir, 'lib.test.yaml'));
    expect(diagnostics.map((d) => `${d.file.split('/').pop()}:${d.line}:${d.col} ${d.code}`)).toEqual([
      'lib.jsonata:4:52 JSONATA_SYNTAX',
    ]);
    const other = write({ 'lib.test.yaml': `library: gone.jsonata\n${TESTS}` });
    const missing = await run(join(other, 'lib.test.yaml'));
    expect(missing.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      '1:10 FILE_UNREADABLE library gone.jsonata: file not found',
    ]);
  });

  it('are found beside a library, in a directory, and through the functions of the pipelines found', () => {
    const dir = write({
      'pipelines/p.yaml': 'version: 1\nfunctions: [../shared/lib.jsonata, ../shared/untested.jsonata]\n',
      'pipelines/p.test.yaml': TESTS,
      'shared/lib.jsonata': LIBRARY,
      'shared/lib.test.yaml': TESTS,
      'shared/untested.jsonata': LIBRARY,
    });
    const rel = (files: string[]): string[] => files.map((f) => f.slice(dir.length + 1));
    expect(rel(findTestFiles(['pipelines'], dir))).toEqual(['pipelines/p.test.yaml', 'shared/lib.test.yaml']);
    expect(rel(findTestFiles(['pipelines/p.yaml'], dir))).toEqual(['pipelines/p.test.yaml', 'shared/lib.test.yaml']);
    expect(rel(findTestFiles(['shared/lib.jsonata', 'shared/untested.jsonata'], dir))).toEqual([
      'shared/lib.test.yaml',
    ]);
    expect(rel(findTestFiles(['shared'], dir))).toEqual(['shared/lib.test.yaml']);
  });
});
