import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryRegistry } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { Diagnostic } from './diagnostics.js';
import { loadPipeline } from './pipeline.js';
import { validatePaths } from './validate.js';

const CONNECTIONS = `connections:
  src: { connector: memory, dataset: a }
  dst: { connector: memory, dataset: b }
`;

const pipeline = (transform: string, functions?: string[]): string => `version: 1
name: good
source: { connection: src, resource: records }
${functions ? `functions: [${functions.join(', ')}]\n` : ''}transform: ${transform}
target: { connection: dst, resource: records, key: id }
`;

/** Writes the pipeline (p.yaml) and the given files into a fresh directory; returns the diagnostics. */
function check(yaml: string, files: Record<string, string | Buffer> = {}): { dir: string; ds: Diagnostic[] } {
  const dir = tempDir();
  writeFileSync(join(dir, 'connections.yaml'), CONNECTIONS);
  writeFileSync(join(dir, 'p.yaml'), yaml);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, ds: validatePaths(['p.yaml'], { registry: memoryRegistry, cwd: dir }).diagnostics };
}

const brief = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);

const LIB = `(
  /* the net amount */
  $net := function($x) { $x.amount - $x.discount };
  {
    "toRecord": function($x) { { "id": $x.id, "net": $net($x) } }
  }
)
`;

describe('validate: JSONata files', () => {
  it('accepts a transform file and function libraries, relative to the pipeline file', () => {
    const { ds } = check(pipeline('{ file: t.jsonata }', ['lib/records.jsonata']), {
      't.jsonata': '$toRecord($)\n',
      'lib/records.jsonata': LIB,
    });
    expect(ds).toEqual([]);
  });

  it('reports JSONata syntax errors at their line and column in the file that holds them', () => {
    const { ds } = check(pipeline('{ file: t.jsonata }', ['lib/records.jsonata']), {
      't.jsonata': '(\n  $a := 1;\n  { "id": id,, }\n)\n',
      'lib/records.jsonata': LIB.replace('$x.amount - $x.discount', '$x.amount - '),
    });
    expect(brief(ds)).toEqual(['lib/records.jsonata:3:39 JSONATA_SYNTAX', 't.jsonata:3:14 JSONATA_SYNTAX']);
  });

  it('reports a missing file where the pipeline names it, with the path it looked for', () => {
    const { dir, ds } = check(pipeline('{ file: nope.jsonata }', ['lib/none.jsonata']));
    expect(brief(ds)).toEqual(['p.yaml:4:13 FILE_UNREADABLE', 'p.yaml:5:20 FILE_UNREADABLE']);
    expect(ds[0]!.message).toBe(
      `lib/none.jsonata: file not found (${join(dir, 'lib/none.jsonata')}; paths are relative to the pipeline file)`,
    );
    const folder = check(pipeline('{ file: lib }'), { 'lib/x.jsonata': '1' });
    expect(folder.ds[0]?.message).toContain('lib: is a directory, not a file');
  });

  it('reports invalid UTF-8 and oversized files in the file itself, as for every configuration file', () => {
    const { ds } = check(pipeline('{ file: t.jsonata }', ['big.jsonata']), {
      't.jsonata': Buffer.concat([Buffer.from('{ "id": "caf'), Buffer.from([0xe9]), Buffer.from('" }\n')]),
      'big.jsonata': `{ "f": function() { "${'x'.repeat(1024 * 1024)}" } }`,
    });
    expect(brief(ds)).toEqual(['big.jsonata:1:1 FILE_TOO_LARGE', 't.jsonata:1:13 FILE_INVALID_UTF8']);
  });

  it('reports a library that is not an object of functions, at the offending key', () => {
    const { ds } = check(pipeline('"{}"', ['a.jsonata', 'b.jsonata']), {
      'a.jsonata': '[function() { 1 }]',
      'b.jsonata': '{\n  "ok": function() { 1 },\n  "rate": 0.19\n}\n',
    });
    expect(brief(ds)).toEqual(['a.jsonata:1:1 LIBRARY_INVALID', 'b.jsonata:3:3 LIBRARY_INVALID']);
    expect(ds[1]!.message).toContain('"rate" is not a function');
  });

  it('reports a function two libraries define, and one that would replace a built-in', () => {
    const { ds } = check(pipeline('"$f()"', ['a.jsonata', 'b.jsonata']), {
      'a.jsonata': '{ "f": function() { 1 } }',
      'b.jsonata': '{ "sum": function($a) { 0 },\n  "f": function() { 2 }, "lookup": function() { 3 } }',
    });
    expect(brief(ds)).toEqual([
      'b.jsonata:1:3 FUNCTION_CLASH',
      'b.jsonata:2:3 FUNCTION_CLASH',
      'b.jsonata:2:26 FUNCTION_CLASH',
    ]);
    expect(ds.map((d) => d.message)).toEqual([
      `"sum" would replace JSONata's built-in $sum: rename it`,
      '$f is also defined by a.jsonata; one library of `functions` must rename it',
      `"lookup" would replace sluice's $lookup: rename it`,
    ]);
    const twice = check(pipeline('"$f()"', ['a.jsonata', './a.jsonata']), { 'a.jsonata': '{ "f": function() { 1 } }' });
    expect(brief(twice.ds)).toEqual(['p.yaml:4:24 FUNCTION_CLASH']);
  });

  it('reports calls to functions no library defines, in the transform and inside a library', () => {
    const { ds } = check(pipeline('"$toRecrd($) ~> $audit"', ['lib.jsonata']), {
      'lib.jsonata': LIB.replace('$net($x)', '$nett($x) + $other()'),
    });
    expect(brief(ds)).toEqual([
      'lib.jsonata:5:54 FUNCTION_UNKNOWN',
      'lib.jsonata:5:66 FUNCTION_UNKNOWN',
      'p.yaml:5:13 FUNCTION_UNKNOWN',
      'p.yaml:5:28 FUNCTION_UNKNOWN',
    ]);
    expect(ds[0]!.message).toContain('did you mean $net?');
    expect(ds[2]!.message).toContain('not in the libraries of `functions` (lib.jsonata); did you mean $toRecord?');
  });

  it('reports unknown lookups at their position in a transform file', () => {
    const { ds } = check(pipeline('{ file: t.jsonata }'), { 't.jsonata': '{\n  "id": $lookup("nope", id).id\n}\n' });
    expect(brief(ds)).toEqual(['t.jsonata:2:17 LOOKUP_UNKNOWN']);
  });

  it('hashes the JSONata files into the pipeline hash, so a saved plan goes stale when a library changes', () => {
    const files = { 't.jsonata': '$toRecord($)', 'lib.jsonata': LIB };
    const { dir } = check(pipeline('{ file: t.jsonata }', ['lib.jsonata']), files);
    const hash = (): string => {
      const r = loadPipeline(join(dir, 'p.yaml'), { registry: memoryRegistry, cwd: dir });
      expect(r.diagnostics).toEqual([]);
      return r.pipeline!.hash;
    };
    const before = hash();
    expect(hash()).toBe(before);
    writeFileSync(join(dir, 'lib.jsonata'), LIB.replace('- $x.discount', '- $x.discount - 0'));
    expect(hash()).not.toBe(before);
  });
});
