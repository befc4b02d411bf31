import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { firstInvalidUtf8, MAX_CONFIG_FILE_BYTES, readConfigText } from './text-file.js';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

function write(name: string, content: Buffer | string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('firstInvalidUtf8', () => {
  it('finds the start of each kind of ill-formed sequence', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xff], 1], // never valid
      [[0x61, 0x80], 1], // continuation without a lead byte
      [[0xc0, 0xaf], 0], // overlong '/'
      [[0xe0, 0x80, 0xaf], 0], // overlong
      [[0xed, 0xa0, 0x80], 0], // UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0x61, 0xe2, 0x82], 1], // truncated at the end
      [[0xe2, 0x82, 0x61], 0], // truncated before ASCII
    ];
    for (const [input, at] of cases) expect(firstInvalidUtf8(Uint8Array.from(input)), input.join(' ')).toBe(at);
    expect(firstInvalidUtf8(bytes('a € 𝄞 ü'))).toBe(-1);
  });

  it('agrees with the strict TextDecoder on every two-byte sequence and a sample of longer ones', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array): boolean => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const disagreements: string[] = [];
    const compare = (input: Uint8Array): void => {
      if ((firstInvalidUtf8(input) === -1) !== valid(input)) disagreements.push([...input].join(' '));
    };
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) compare(Uint8Array.from([a, b]));
    for (const lead of [0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf3, 0xf4])
      for (let b = 0x70; b < 0xd0; b++) compare(Uint8Array.from([lead, b, 0x80, 0x80]));
    expect(disagreements).toEqual([]);
  });
});

describe('readConfigText', () => {
  it('reads UTF-8 and drops a leading BOM', () => {
    expect(readConfigText(write('a.yaml', bytes([0xef, 0xbb, 0xbf], 'name: café\n')))).toEqual({
      ok: true,
      text: 'name: café\n',
    });
  });

  it('reports invalid UTF-8 at the line and column of the first bad byte', () => {
    const path = write('p.yaml', bytes('version: 1\nname: "caf€ ', [0xe9], '"\nnote: ', [0xff], '\n'));
    const r = readConfigText(path);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // line 2 is `name: "caf€ ` then the Latin-1 é: the column counts characters, not bytes
    expect(r.diagnostic).toMatchObject({ file: path, line: 2, col: 13, code: 'FILE_INVALID_UTF8', severity: 'error' });
    expect(r.diagnostic.message).toContain('0xe9');
    expect(r.diagnostic.message).toContain('save the file as UTF-8');
  });

  it('counts columns after a BOM from the first character of the text', () => {
    const r = readConfigText(write('p.yaml', bytes([0xef, 0xbb, 0xbf], 'ab', [0xc3])));
    expect(r.ok ? undefined : r.diagnostic).toMatchObject({ line: 1, col: 3, code: 'FILE_INVALID_UTF8' });
  });

  it('refuses a file above the bound at 1:1 without decoding it', () => {
    const at = write('big.yaml', Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1, 0xff));
    const r = readConfigText(at);
    expect(r.ok ? undefined : r.diagnostic).toMatchObject({ line: 1, col: 1, code: 'FILE_TOO_LARGE' });
    expect(r.ok ? '' : r.diagnostic.message).toContain('1.0 MiB');
    expect(readConfigText(write('max.yaml', Buffer.alloc(MAX_CONFIG_FILE_BYTES, 0x20))).ok).toBe(true);
  });

  it('reads a device that says it is empty in growing steps, and stops it at the bound', () => {
    // /dev/zero has size 0 and never ends: read up to the bound + 1 byte, then refused
    const r = readConfigText('/dev/zero');
    expect(r.ok ? undefined : r.diagnostic).toMatchObject({ line: 1, col: 1, code: 'FILE_TOO_LARGE' });
  });

  it('reads a file whole, whatever its size under the bound (text of every length up to several buffers)', () => {
    for (const size of [0, 1, 4095, 4096, 65_537, 300_001]) {
      const text = 'x'.repeat(size);
      const r = readConfigText(write(`s${size}.yaml`, text));
      expect(r.ok ? r.text.length : -1, `${size} bytes`).toBe(size);
    }
  });

  it('reports a missing file and a directory as unreadable, with the cause', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'd.yaml'));
    const missing = readConfigText(join(dir, 'nope.yaml'));
    expect(missing.ok ? undefined : missing.diagnostic).toMatchObject({ code: 'FILE_UNREADABLE', line: 1, col: 1 });
    expect(missing.ok ? undefined : (missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    const directory = readConfigText(join(dir, 'd.yaml'));
    expect(directory.ok ? '' : directory.diagnostic.message).toContain('is a directory');
  });
});
