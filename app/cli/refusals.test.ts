/**
 * A file the config loader refuses is refused the same way by every command that reads it: exit 2,
 * and the problem printed as file:line:col CODE (never exit 1 with a message that names no file).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';
import type { CliIo } from './common.js';
import { memoryRegistry } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';

const CONNECTIONS = 'connections:\n  src:\n    connector: memory\n    dataset: refusals\n';
const GOOD = `version: 1
name: refusals
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
const BOMB = `${[0, 1, 2, 3, 4, 5]
  .map(
    (i) =>
      `l${i}: &l${i} [${Array(9)
        .fill(i === 0 ? 'lol' : `*l${i - 1}`)
        .join(', ')}]`,
  )
  .join('\n')}\n`;

async function sluice(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const sink = (): PassThrough => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => (output += d.toString()));
    return s;
  };
  const io: CliIo = { stdout: sink(), stderr: sink(), registry: async () => memoryRegistry, exitCode: 0 };
  await buildProgram(io).parseAsync(['node', 'sluice', ...args]);
  return { code: io.exitCode, output };
}

function setup(
  pipeline: string,
  testFile = 'cases:\n  - name: one\n    source: [{ id: 1 }]\n',
): { dir: string; args: string[] } {
  const dir = tempDir();
  writeFileSync(join(dir, 'connections.yaml'), CONNECTIONS);
  writeFileSync(join(dir, 'p.yaml'), pipeline);
  writeFileSync(join(dir, 'p.test.yaml'), testFile);
  return { dir, args: ['--connections', join(dir, 'connections.yaml'), '--state', `sqlite:${join(dir, 'state.db')}`] };
}

describe('every command refuses what validate refuses', () => {
  it('an alias bomb in the pipeline: validate, plan, run and test exit 2 naming the file and position', async () => {
    const { dir, args } = setup(GOOD + BOMB);
    const p = join(dir, 'p.yaml');
    for (const argv of [
      ['validate', p, '--connections', join(dir, 'connections.yaml')],
      ['plan', p, ...args],
      ['run', p, ...args],
      ['test', join(dir, 'p.test.yaml'), '--connections', join(dir, 'connections.yaml')],
    ]) {
      const r = await sluice(argv);
      expect(r.code, argv[0]).toBe(2);
      expect(r.output, argv[0]).toMatch(/p\.yaml:16:\d+ YAML_ALIAS_LIMIT /);
    }
  });

  it('an alias bomb or invalid UTF-8 in the test file: test exits 2 naming the test file', async () => {
    const bomb = setup(GOOD, `cases: []\n${BOMB}`);
    const r = await sluice(['test', join(bomb.dir, 'p.test.yaml')]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/p\.test\.yaml:6:\d+ YAML_ALIAS_LIMIT /);
    const utf8 = setup(GOOD);
    writeFileSync(join(utf8.dir, 'p.test.yaml'), Buffer.concat([Buffer.from('cases: []\n# caf'), Buffer.from([0xe9])]));
    const u = await sluice(['test', join(utf8.dir, 'p.test.yaml')]);
    expect(u.code).toBe(2);
    expect(u.output).toMatch(/p\.test\.yaml:2:6 FILE_INVALID_UTF8 /);
  });
});
