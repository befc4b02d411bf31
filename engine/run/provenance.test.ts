import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { gitProvenance } from './provenance.js';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
}

describe('the git provenance of a pipeline file', () => {
  it('is the last commit that changed the file, and says when the file has changed since', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'p.yaml'), 'name: a\n');
    git(dir, 'add', 'p.yaml');
    git(dir, 'commit', '-qm', 'first');
    const first = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, 'other.txt'), 'x');
    git(dir, 'add', 'other.txt');
    git(dir, 'commit', '-qm', 'unrelated');
    expect(await gitProvenance(join(dir, 'p.yaml'))).toEqual({ commit: first, modified: false });
    writeFileSync(join(dir, 'p.yaml'), 'name: b\n');
    expect(await gitProvenance(join(dir, 'p.yaml'))).toEqual({ commit: first, modified: true });
  });

  it('is not known outside a work tree or for a file never committed', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), 'name: a\n');
    expect(await gitProvenance(join(dir, 'p.yaml'))).toBeUndefined();
    git(dir, 'init', '-q');
    expect(await gitProvenance(join(dir, 'p.yaml'))).toBeUndefined();
  });
});
