import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { codeCacheStats, installCodeCache, type CodeCache } from './code-cache.js';

let cache: CodeCache | undefined;
afterEach(() => {
  cache?.uninstall();
  cache = undefined;
});

const A = "const b = require('./b.cjs'); module.exports = { n: b.n + 1, file: __filename, dir: __dirname };";
const B = 'exports.n = 41;';

let projects = 0;

/**
 * A directory with two CommonJS files, and a fresh `require` for it (nothing cached by Node). Each
 * project's a.cjs is a text V8 has not compiled yet in this process (V8 keeps what it compiled and
 * would not look at a cache for the same text again).
 */
function project(): { root: string; load: () => { n: number; file: string; dir: string }; a: string } {
  const root = tempDir('sluice-code-cache-');
  const a = `${A} // ${++projects} ${process.hrtime.bigint()}`;
  writeFileSync(join(root, 'a.cjs'), a);
  writeFileSync(join(root, 'b.cjs'), B);
  const load = (): { n: number; file: string; dir: string } => {
    for (const f of ['a.cjs', 'b.cjs']) delete createRequire(import.meta.url).cache[join(root, f)];
    return createRequire(join(root, 'x.cjs'))('./a.cjs') as { n: number; file: string; dir: string };
  };
  return { root, load, a };
}

function record(root: string, load: () => unknown): number {
  const recorder = installCodeCache({ root, record: true }, {}, [])!;
  load();
  const n = recorder.write();
  recorder.uninstall();
  return n;
}

describe('code cache', () => {
  it('records the files it compiles and runs them from their cache, with the same results', () => {
    const { root, load } = project();
    const plain = load();
    expect(record(root, load)).toBe(2);
    expect(readFileSync(join(root, 'code-cache', 'a.cjs.v8')).toString('latin1')).toMatch(
      /^sluice-code-cache 1 [0-9a-f]{64}\n/,
    );
    cache = installCodeCache({ root }, {}, []);
    expect(load()).toEqual(plain);
    expect(plain).toEqual({ n: 42, file: join(root, 'a.cjs'), dir: root });
    expect(cache!.stats).toEqual({ used: 2, refused: 0, stale: 0, missing: 0, skipped: 0 });
    expect(codeCacheStats()).toBe(cache!.stats);
  });

  it('does not use the cache of another text of the file, even one of the same length (V8 would)', () => {
    const { root, load } = project();
    record(root, load);
    const changed = 'exports.n = 40;';
    expect(changed.length).toBe(B.length);
    writeFileSync(join(root, 'b.cjs'), changed);
    // V8 checks only the length: it would take the old bytecode for the new text
    const data = readFileSync(join(root, 'code-cache', 'b.cjs.v8'));
    const old = data.subarray(data.indexOf(10) + 1);
    const file = join(root, 'b.cjs');
    expect(
      new Script((Module as unknown as { wrap(s: string): string }).wrap(changed), { filename: file, cachedData: old })
        .cachedDataRejected,
    ).toBe(false);
    cache = installCodeCache({ root }, {}, []);
    expect(load().n).toBe(41);
    expect(cache!.stats).toMatchObject({ used: 1, stale: 1 });
  });

  it('does not use a damaged cache (V8 does not checksum one)', () => {
    const { root, load } = project();
    record(root, load);
    const file = join(root, 'code-cache', 'b.cjs.v8');
    const data = readFileSync(file);
    data[data.length - 8] = data[data.length - 8]! ^ 0xff;
    writeFileSync(file, data);
    cache = installCodeCache({ root }, {}, []);
    expect(load().n).toBe(42);
    expect(cache!.stats).toMatchObject({ used: 1, stale: 1 });
  });

  it('compiles as usual when V8 refuses a cache, and reads no other after it', () => {
    const { root, load, a } = project();
    // a cache V8 refuses (made from a text of another length), under a header that matches it
    const wrap = (Module as unknown as { wrap(s: string): string }).wrap;
    const data = new Script(wrap(`${a} `), { filename: join(root, 'a.cjs') }).createCachedData();
    const sum = createHash('sha256').update(a).update(data).digest('hex');
    mkdirSync(join(root, 'code-cache'));
    writeFileSync(
      join(root, 'code-cache', 'a.cjs.v8'),
      Buffer.concat([Buffer.from(`sluice-code-cache 1 ${sum}\n`), data]),
    );
    cache = installCodeCache({ root }, {}, []);
    expect(load().n).toBe(42);
    expect(cache!.stats).toEqual({ used: 0, refused: 2, stale: 0, missing: 0, skipped: 0 });
  });

  it('compiles as usual without a cache, outside its root, and for a file that calls import()', () => {
    const { root, load } = project();
    writeFileSync(join(root, 'b.cjs'), "exports.n = 41; exports.later = () => import('node:os');");
    cache = installCodeCache({ root: join(root, 'elsewhere') }, {}, []);
    expect(load().n).toBe(42);
    expect(cache!.stats).toEqual({ used: 0, refused: 0, stale: 0, missing: 0, skipped: 0 });
    cache!.uninstall();
    cache = installCodeCache({ root }, {}, []);
    expect(load().n).toBe(42);
    expect(cache!.stats).toEqual({ used: 0, refused: 0, stale: 0, missing: 1, skipped: 1 });
  });

  it('a file compiled by it can still import() (Node compiles such a file itself)', async () => {
    const { root, load } = project();
    writeFileSync(join(root, 'b.cjs'), "exports.n = 41; exports.later = () => import('node:os');");
    cache = installCodeCache({ root }, {}, []);
    load();
    const b = createRequire(join(root, 'x.cjs'))('./b.cjs') as { later: () => Promise<{ EOL: string }> };
    expect((await b.later()).EOL).toBe('\n');
  });

  it('is switched off by SLUICE_CODE_CACHE=off, a policy manifest and --inspect-brk; installs once', () => {
    const { root } = project();
    expect(installCodeCache({ root }, { SLUICE_CODE_CACHE: 'off' }, [])).toBeUndefined();
    expect(installCodeCache({ root }, {}, ['--experimental-policy=p.json'])).toBeUndefined();
    expect(installCodeCache({ root }, { NODE_OPTIONS: '--inspect-brk' }, [])).toBeUndefined();
    cache = installCodeCache({ root }, {}, []);
    expect(cache).toBeDefined();
    expect(installCodeCache({ root }, {}, [])).toBeUndefined();
  });

  it('gives the code the require Node would: resolve, resolve.paths, cache', () => {
    const { root, load } = project();
    writeFileSync(
      join(root, 'b.cjs'),
      [
        'exports.n = 41;',
        "exports.r = [require.resolve('./a.cjs'), Array.isArray(require.resolve.paths('x')),",
        "  require.cache === require('node:module')._cache];",
      ].join('\n'),
    );
    cache = installCodeCache({ root }, {}, []);
    load();
    const b = createRequire(join(root, 'x.cjs'))('./b.cjs') as { r: unknown[] };
    expect(b.r).toEqual([join(root, 'a.cjs'), true, true]);
  });
});
