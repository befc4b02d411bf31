import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { ConfigError } from '../errors.js';
import { checkRefs, resolveString } from './refs.js';

describe('${file:} references', () => {
  it('are checked to name a regular file, not only a path that exists', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'pw'), 'hunter2\n');
    expect(checkRefs('${file:pw}', dir)).toEqual([]);
    expect(checkRefs('${file:secrets}', dir).map((p) => p.code)).toEqual(['FILE_REF_NOT_FILE']);
    expect(checkRefs('${file:nope}', dir).map((p) => p.code)).toEqual(['FILE_REF_MISSING']);
  });

  it('resolve to the file decoded strictly as UTF-8, never with replacement characters', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok'), Buffer.from('\ufeffpässwörd\n', 'utf8'));
    writeFileSync(join(dir, 'latin1'), Buffer.from([0x70, 0xe4, 0x73, 0x73, 0x0a]));
    expect(resolveString('${file:ok}', dir)).toBe('pässwörd');
    let error: unknown;
    try {
      resolveString('${file:latin1}', dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'FILE_INVALID_UTF8' });
    expect((error as Error).message).not.toContain('p\ufffd');
  });

  it('keep the file system error as the cause when the file cannot be read', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'd'));
    let error: unknown;
    try {
      resolveString('${file:d}', dir);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'FILE_REF_MISSING' });
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EISDIR');
  });
});
