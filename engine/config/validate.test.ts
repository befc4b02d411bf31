import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryRegistry } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { formatDiagnostics, type Diagnostic } from './diagnostics.js';
import { loadPipeline } from './pipeline.js';
import { validatePaths } from './validate.js';

const CONNECTIONS = `connections:
  src:
    connector: memory
    dataset: a
  dst:
    connector: memory
    dataset: b
`;

function check(pipeline: string, connections = CONNECTIONS, env: NodeJS.ProcessEnv = {}): Diagnostic[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'connections.yaml'), connections);
  writeFileSync(join(dir, 'p.yaml'), pipeline);
  return validatePaths([join(dir, 'p.yaml')], { registry: memoryRegistry, cwd: dir, env }).diagnostics;
}

const brief = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);

const GOOD = `version: 1
name: good
source:
  connection: src
  resource: records
transform: |
  { "id": id }
target:
  connection: dst
  resource: records
  key: id
`;

describe('sluice validate', () => {
  it('accepts a valid pipeline', () => {
    expect(check(GOOD)).toEqual([]);
  });

  it('reports YAML syntax errors with their position', () => {
    const ds = check('version: 1\nname: good\nsource: {connection: src\n  resource: records\n: oops\n');
    expect(ds[0]).toMatchObject({ file: 'p.yaml', code: 'YAML_SYNTAX' });
    expect(ds[0]?.line).toBeGreaterThanOrEqual(3);
    expect(ds.every((d) => d.code === 'YAML_SYNTAX')).toBe(true); // nothing else is checked on a broken file
  });

  it('reports schema violations at the offending key, all at once', () => {
    const ds = check(
      GOOD.replace('name: good', 'name: Bad Name')
        .replace('  key: id\n', '  key: id\n  colour: red\n')
        .replace('version: 1', 'version: 2'),
    );
    expect(brief(ds)).toEqual(['p.yaml:1:10 SCHEMA', 'p.yaml:2:7 SCHEMA', 'p.yaml:12:3 SCHEMA']);
    expect(ds[2]?.message).toContain('unknown property "colour" in target');
  });

  it('reports unknown connections, unknown resources and unsupported roles where they are written', () => {
    const ds = check(
      GOOD.replace('connection: src', 'connection: nope')
        .replace('resource: records\ntransform', 'resource: records\ntransform')
        .replace(/target:\n  connection: dst\n  resource: records/, 'target:\n  connection: dst\n  resource: missing'),
    );
    expect(brief(ds)).toEqual(['p.yaml:4:15 CONNECTION_UNKNOWN', 'p.yaml:10:13 RESOURCE_UNKNOWN']);
    const role = check(GOOD.replace('  resource: records\ntransform', '  resource: postings\ntransform'));
    expect(brief(role)).toEqual(['p.yaml:5:13 ROLE_UNSUPPORTED']);
    expect(role[0]?.message).toContain('cannot be used as source');
  });

  it('places JSONata syntax errors inside the file, not just inside the expression', () => {
    const ds = check(GOOD.replace('  { "id": id }', '  {\n    "id": id,\n    "name": $substring(name, 0\n  }'));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'JSONATA_SYNTAX', line: 10, col: 3 });
    const inline = check(GOOD.replace('transform: |\n  { "id": id }', 'transform: \'{ "id": id, "n": foo(, }\''));
    expect(inline[0]).toMatchObject({ code: 'JSONATA_SYNTAX', line: 6, col: 34 });
  });

  it('reports $lookup names that the pipeline does not define', () => {
    const ds = check(GOOD.replace('{ "id": id }', '{ "id": id, "v": $lookup(\'vendors\', id) }'));
    expect(brief(ds)).toEqual(['p.yaml:7:28 LOOKUP_UNKNOWN']);
  });

  it('reports a missing dedupe key', () => {
    const ds = check(GOOD.replace('  key: id\n', ''));
    expect(brief(ds)).toEqual(['p.yaml:8:1 KEY_MISSING']);
  });

  it('reports undefined ${env:} references and literal secrets in the connections file', () => {
    const conns = `connections:\n  src:\n    connector: memory\n    dataset: \${env:SLUICE_TEST_UNSET}\n  dst:\n    connector: memory\n    dataset: b\n    password: hunter2hunter2\n`;
    const ds = check(GOOD, conns);
    expect(brief(ds)).toEqual(['connections.yaml:4:14 ENV_UNDEFINED', 'connections.yaml:8:15 LITERAL_SECRET']);
    expect(ds.map((d) => d.message).join('\n')).not.toContain('hunter2');
    expect(
      check(GOOD, conns.replace('hunter2hunter2', '${env:PW}').replace('${env:SLUICE_TEST_UNSET}', 'a'), { PW: 'x' }),
    ).toEqual([]);
  });

  it('undefined ${env:} references are warnings by default, errors with --strict, and errors for a run that opens the connection', () => {
    const conns = `${CONNECTIONS}  spare:\n    connector: memory\n    dataset: \${env:SLUICE_SPARE_UNSET}\n`.replace(
      'dataset: a',
      'dataset: ${env:SLUICE_TEST_UNSET}',
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'connections.yaml'), conns);
    writeFileSync(join(dir, 'p.yaml'), GOOD);
    const lax = validatePaths([join(dir, 'p.yaml')], { registry: memoryRegistry, cwd: dir, env: {} }).diagnostics;
    expect(lax.map((d) => `${d.line} ${d.code} ${d.severity}`)).toEqual([
      '4 ENV_UNDEFINED warning',
      '10 ENV_UNDEFINED warning',
    ]);
    expect(lax[0]!.message).toContain('--strict');
    const strict = validatePaths([join(dir, 'p.yaml')], { registry: memoryRegistry, cwd: dir, env: {}, strict: true });
    expect(strict.diagnostics.map((d) => d.severity)).toEqual(['error', 'error']);
    const run = loadPipeline(join(dir, 'p.yaml'), { registry: memoryRegistry, cwd: dir, env: {} });
    expect(run.pipeline).toBeUndefined();
    expect(run.diagnostics.map((d) => `${d.line} ${d.code} ${d.severity}`)).toEqual([
      '4 ENV_UNDEFINED error', // src: opened by this pipeline
      '10 ENV_UNDEFINED warning', // spare: not used by it
    ]);
    expect(
      loadPipeline(join(dir, 'p.yaml'), { registry: memoryRegistry, cwd: dir, env: { SLUICE_TEST_UNSET: 'a' } })
        .pipeline,
    ).toBeDefined();
  });

  it('checks value constraints of literals, and leaves references to the resolved check at run time', () => {
    const conns = (region: string): string => `${CONNECTIONS}    region: ${region}\n`;
    expect(brief(check(GOOD, conns('XYZ')))).toEqual(['connections.yaml:8:13 SCHEMA']);
    expect(check(GOOD, conns('${env:REGION}'), { REGION: 'eu' })).toEqual([]);
  });

  it('rejects a literal code the target resource forbids, at its position in the transform', () => {
    const ds = check(
      GOOD.replace('{ "id": id }', '{ "ref": id, "code": "A-B" }').replace(
        /resource: records\n  key: id/,
        'resource: postings\n  mode: create\n  key: ref',
      ),
    );
    expect(brief(ds)).toEqual(['p.yaml:7:24 LITERAL_INVALID']);
  });

  it('reports unsupported modes and delete actions, and bad schedules', () => {
    const ds = check(
      GOOD.replace('  key: id\n', '  key: id\n  mode: mirror\n').replace(
        /resource: records\n  key: id/,
        'resource: postings\n  key: id',
      ) + 'schedule:\n  cron: "61 * * *"\n  timezone: Mars/Olympus\n',
    );
    expect(brief(ds)).toEqual([
      'p.yaml:12:9 DELETE_UNSUPPORTED',
      'p.yaml:12:9 MODE_UNSUPPORTED',
      'p.yaml:14:9 SCHEDULE_INVALID',
      'p.yaml:15:13 SCHEDULE_INVALID',
    ]);
  });

  it('formats as text, JSON and GitHub annotations', () => {
    const ds = check(GOOD.replace('  key: id\n', ''));
    expect(formatDiagnostics(ds, 'text')).toMatch(/^p\.yaml:8:1 KEY_MISSING target\.key/);
    expect(JSON.parse(formatDiagnostics(ds, 'json'))).toMatchObject({
      valid: false,
      errors: 1,
      diagnostics: [{ code: 'KEY_MISSING', line: 8 }],
    });
    expect(formatDiagnostics(ds, 'github')).toMatch(
      /^::error file=p\.yaml,line=8,col=1,title=KEY_MISSING::target\.key/,
    );
  });

  it('validates every pipeline in a directory and skips test files and connections', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pipelines'));
    writeFileSync(join(dir, 'pipelines', 'connections.yaml'), CONNECTIONS);
    writeFileSync(join(dir, 'pipelines', 'a.yaml'), GOOD);
    writeFileSync(join(dir, 'pipelines', 'b.yaml'), GOOD.replace('  key: id\n', ''));
    writeFileSync(join(dir, 'pipelines', 'a.test.yaml'), 'cases: []\n');
    const r = validatePaths(['pipelines'], { registry: memoryRegistry, cwd: dir });
    expect(r.files.map((f) => f.split('/').pop())).toEqual(['a.yaml', 'b.yaml']);
    expect(brief(r.diagnostics)).toEqual(['pipelines/b.yaml:8:1 KEY_MISSING']);
  });
});
