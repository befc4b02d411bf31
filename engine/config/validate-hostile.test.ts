/**
 * Input that looks valid but is not: every file problem is a positioned diagnostic (never a crash,
 * never a file that validates and then misbehaves at run time).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryRegistry } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { Diagnostic } from './diagnostics.js';
import { loadPipeline } from './pipeline.js';
import { MAX_CONFIG_FILE_BYTES } from './text-file.js';
import { validatePaths } from './validate.js';

const CONNECTIONS = 'connections:\n  src:\n    connector: memory\n    dataset: a\n';

const GOOD = `version: 1
name: good
source:
  connection: src
  resource: records
transform: |
  { "id": id }
target:
  connection: src
  resource: records
  key: id
`;

const BOMB =
  'a: &a [x, x, x, x, x, x, x, x, x]\n' +
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n' +
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n' +
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n' +
  'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n';

function check(
  pipeline: string | Buffer,
  connections: string | Buffer = CONNECTIONS,
  env: NodeJS.ProcessEnv = {},
): Diagnostic[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'connections.yaml'), connections);
  writeFileSync(join(dir, 'p.yaml'), pipeline);
  return validatePaths([join(dir, 'p.yaml')], { registry: memoryRegistry, cwd: dir, env }).diagnostics;
}

const brief = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);

describe('validate: files that cannot be read as they are', () => {
  it('reports invalid UTF-8 at the first bad byte, in a pipeline file and in connections.yaml', () => {
    const [before, after] = GOOD.split('name: good');
    const withName = Buffer.concat([
      Buffer.from(`${before}description: "Caf`),
      Buffer.from([0xe9]), // é in Latin-1
      Buffer.from(`"\nname: good${after}`),
    ]);
    const ds = check(withName);
    expect(brief(ds)).toEqual(['p.yaml:2:18 FILE_INVALID_UTF8']);
    expect(ds[0]?.message).toContain('save the file as UTF-8');
    const conns = Buffer.concat([Buffer.from(CONNECTIONS), Buffer.from('    region: \xff\n', 'latin1')]);
    expect(brief(check(GOOD, conns))).toContain('connections.yaml:5:13 FILE_INVALID_UTF8');
  });

  it('accepts a UTF-8 byte order mark', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(check(Buffer.concat([bom, Buffer.from(GOOD)]), Buffer.concat([bom, Buffer.from(CONNECTIONS)]))).toEqual([]);
  });

  it('refuses files above 1 MiB at 1:1 before parsing them', () => {
    const big = GOOD + `description: "${'x'.repeat(MAX_CONFIG_FILE_BYTES)}"\n`;
    expect(brief(check(big))).toEqual(['p.yaml:1:1 FILE_TOO_LARGE']);
    expect(brief(check(GOOD, CONNECTIONS + `# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\n`))).toContain(
      'connections.yaml:1:1 FILE_TOO_LARGE',
    );
  });

  it('reports an alias bomb with the file name and the alias position, in either file', () => {
    const ds = check(GOOD + BOMB);
    expect(ds.map((d) => d.code)).toEqual(['YAML_ALIAS_LIMIT']);
    expect(ds[0]).toMatchObject({ file: 'p.yaml', line: 16 });
    expect(brief(check(GOOD, CONNECTIONS + BOMB))[0]).toMatch(/^connections\.yaml:9:\d+ YAML_ALIAS_LIMIT$/);
  });

  it('reports a pipeline path or connections file that is a directory, and an empty connections file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'p.yaml'));
    mkdirSync(join(dir, 'connections.yaml'));
    const asDir = loadPipeline(join(dir, 'p.yaml'), { registry: memoryRegistry, cwd: dir });
    expect(asDir.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['FILE_UNREADABLE', 'is a directory, not a file'],
    ]);
    writeFileSync(join(dir, 'q.yaml'), GOOD);
    const ds = validatePaths([join(dir, 'q.yaml')], { registry: memoryRegistry, cwd: dir }).diagnostics;
    expect(brief(ds)).toContain('connections.yaml:1:1 FILE_UNREADABLE');
    const empty = check(GOOD, '');
    expect(brief(empty)).toEqual([
      'connections.yaml:1:1 SCHEMA',
      'p.yaml:4:15 CONNECTION_UNKNOWN',
      'p.yaml:9:15 CONNECTION_UNKNOWN',
    ]);
    expect(empty[0]?.message).toContain('"connections"');
  });

  it('reports a ${file:} secret that is a directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'connections.yaml'), CONNECTIONS + '    password: ${file:secrets}\n');
    writeFileSync(join(dir, 'p.yaml'), GOOD);
    const ds = validatePaths([join(dir, 'p.yaml')], { registry: memoryRegistry, cwd: dir }).diagnostics;
    expect(brief(ds)).toEqual(['connections.yaml:5:15 FILE_REF_NOT_FILE']);
  });
});

describe('validate: documents that are not a pipeline mapping', () => {
  it('reports scalars, lists, empty and comment-only files at 1:1 as schema problems', () => {
    for (const text of ['hello\n', '- 1\n- 2\n', '', '# nothing\n', '~\n', '42\n']) {
      const ds = check(text);
      expect(ds.length, JSON.stringify(text)).toBeGreaterThan(0);
      expect(
        ds.every((d) => d.code === 'SCHEMA' && d.line === 1 && d.col === 1),
        JSON.stringify(text),
      ).toBe(true);
    }
  });

  it('reports a second document, tabs and duplicate keys with their positions', () => {
    expect(brief(check(`${GOOD}---\n${GOOD}`))).toEqual(['p.yaml:12:1 YAML_SYNTAX']);
    expect(brief(check(GOOD.replace('  resource: records\ntransform', '\tresource: records\ntransform')))[0]).toBe(
      'p.yaml:5:1 YAML_SYNTAX',
    );
    const dup = check(`${GOOD}name: again\n`);
    expect(brief(dup)).toEqual(['p.yaml:12:1 YAML_SYNTAX']);
    expect(dup[0]?.message).toBe('duplicate key "name" (first at 2:1); map keys must be unique');
  });
});

describe('validate: values that passed but then failed or misbehaved at run time', () => {
  it('reports a cursor start that cannot be compared, and a lookback the run cannot apply', () => {
    const inc = (s: string): string =>
      GOOD.replace('  resource: records\ntransform', `  resource: records\n  incremental: ${s}\ntransform`);
    expect(brief(check(inc('{ field: id, initial: yesterday }')))).toEqual(['p.yaml:6:38 INCREMENTAL_INITIAL_INVALID']);
    expect(check(inc('{ field: id, initial: "2024-01-31T00:00:00Z", lookback: PT2H }'))).toEqual([]);
    // one diagnostic for a bad lookback, not also the schema's regular expression
    const lookback = check(inc('{ field: id, lookback: 2h }'));
    expect(brief(lookback)).toEqual(['p.yaml:6:39 INCREMENTAL_LOOKBACK_INVALID']);
    expect(brief(check(inc('{ field: id, lookback: P99999999999D }')))).toEqual([
      'p.yaml:6:39 INCREMENTAL_LOOKBACK_INVALID',
    ]);
    expect(brief(check(inc('{ field: "" }')))).toEqual(['p.yaml:6:25 INCREMENTAL_FIELD_EMPTY']);
  });

  it('reports an empty source key, which would leave every record without its identity', () => {
    const ds = check(GOOD.replace('  resource: records\ntransform', '  resource: records\n  key: ""\ntransform'));
    expect(brief(ds)).toEqual(['p.yaml:6:8 SOURCE_KEY_EMPTY']);
  });

  it('reports a blank transform, which JSONata cannot compile', () => {
    const ds = check(GOOD.replace('transform: |\n  { "id": id }', 'transform: "   "'));
    expect(brief(ds)).toEqual(['p.yaml:6:16 JSONATA_SYNTAX']);
  });

  it('reports an empty time zone instead of running in the default one', () => {
    const ds = check(`${GOOD}schedule: { cron: "0 2 * * *", timezone: "" }\n`);
    expect(brief(ds)).toEqual(['p.yaml:12:42 SCHEDULE_INVALID']);
  });

  it('reports values of the wrong type as schema problems instead of crashing', () => {
    const cases: [string, string][] = [
      [GOOD.replace('  key: id', '  key: 5'), 'p.yaml:11:8 SCHEMA'],
      [GOOD.replace('  key: id', '  key: [a]'), 'p.yaml:11:8 SCHEMA'],
      [`${GOOD}schedule: { cron: 5 }\n`, 'p.yaml:12:19 SCHEMA'],
      [GOOD.replace('transform: |\n  { "id": id }', 'transform: 5'), 'p.yaml:6:12 SCHEMA'],
    ];
    for (const [text, expected] of cases) expect(brief(check(text)), text).toEqual([expected]);
    // one of two shapes: only the errors of the shape the value has, not the inline string's as well
    const misspelt = check(GOOD.replace('transform: |\n  { "id": id }', 'transform: { fle: t.jsonata }'));
    expect(misspelt.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '6:12 transform is missing required property "file"',
      '6:14 unknown property "fle" in transform',
    ]);
    const list = check(GOOD.replace('transform: |\n  { "id": id }', 'transform: [a]'));
    expect(list.map((d) => d.message)).toEqual(['transform must be of type string or object']);
  });
});

describe('validate: many problems', () => {
  it('places 20,000 undefined references in one string each at its own column', () => {
    const n = 20_000;
    const conns = `${CONNECTIONS}    region: "${'${env:NOPE}'.repeat(n)}"\n`;
    const ds = check(GOOD, conns).filter((d) => d.code === 'ENV_UNDEFINED');
    expect(ds).toHaveLength(n);
    const wrong = ds.filter((d, i) => d.line !== 5 || d.col !== 14 + i * '${env:NOPE}'.length);
    expect(wrong).toEqual([]);
  });

  it('reports 20,000 unknown keys as 20,000 diagnostics, each at its own key', () => {
    const n = 10_000;
    const options = Array.from({ length: n }, (_, i) => `    opt${i}: ${i}\n`).join('');
    const top = Array.from({ length: n }, (_, i) => `top${i}: ${i}\n`).join('');
    const text =
      GOOD.replace('  resource: records\ntransform', `  resource: records\n  options:\n${options}transform`) + top;
    const ds = check(text);
    expect(ds).toHaveLength(2 * n);
    const lines = text.split('\n');
    const misplaced = ds.filter((d) => {
      const name = /unknown property "([^"]+)"/.exec(d.message)?.[1] ?? '';
      return d.code !== 'SCHEMA' || !lines[d.line - 1]?.startsWith(`${' '.repeat(d.col - 1)}${name}:`);
    });
    expect(misplaced).toEqual([]);
    expect(new Set(ds.map((d) => d.line)).size).toBe(2 * n);
  });
});
