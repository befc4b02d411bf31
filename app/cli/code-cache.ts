/**
 * A V8 code cache for the built CLI. Node 20 has no `module.enableCompileCache()`, and compiling is
 * much of a command's start-up: scripts/code-cache.mjs records, at build time, the bytecode V8
 * compiled for every CommonJS file under `root` (the bundle in dist/cli/, Ajv's precompiled
 * validators) while it runs `--help` and `validate`; each later run compiles those files from it.
 *
 * A cache is used only for the exact text it was made from and only as it was written: its header
 * holds a SHA-256 of the source and the cache together (V8 itself checks the source's length only,
 * and a release build of V8 does not checksum a cache). And only when V8 accepts it: the same V8
 * version and flags (those of bin/sluice.js's shebang). Anything else compiles as usual: a missing
 * or stale cache, one V8 refuses, a file that calls `import()` (a script compiled from a cache
 * cannot, on Node 20, without an experimental flag). `SLUICE_CODE_CACHE=off` switches it off; so do
 * a policy manifest and `--inspect-brk`, which Node's own compile step handles.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { Script } from 'node:vm';

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}

type Compile = (this: CjsModule, content: string, filename: string) => unknown;

/** The parts of Node's CommonJS loader a compile step uses (as Node's own `_compile` does). */
interface Loader {
  prototype: { _compile: Compile };
  wrap(source: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null;
  _extensions: Record<string, unknown>;
  _cache: Record<string, unknown>;
}

const loader = Module as unknown as Loader;

const MAGIC = 'sluice-code-cache 1';

export interface CodeCacheStats {
  /** Compiled from their cache. */
  used: number;
  /** V8 refused the cache (another V8 version or other flags): compiled as usual. */
  refused: number;
  /** The cache was made from another text of the file, or is damaged: compiled as usual. */
  stale: number;
  /** No cache (or one not in this format): compiled as usual. */
  missing: number;
  /** Files that call `import()`: compiled by Node itself. */
  skipped: number;
}

export interface CodeCache {
  readonly stats: CodeCacheStats;
  /** Writes the cache of every file compiled so far (`record` only); returns how many. */
  write(): number;
  /** Puts Node's own compile step back. */
  uninstall(): void;
}

export interface CodeCacheOptions {
  /** The files under this directory are compiled with a cache. */
  root: string;
  /** Where the caches are: `<dir>/<path under root>.v8`. Default `<root>/code-cache`. */
  dir?: string;
  /** Keep what is compiled, for `write()` (the build step). */
  record?: boolean;
}

/** The header's sum: the source and V8's data together. */
function sumOf(source: string, data: Uint8Array): string {
  return createHash('sha256').update(source).update(data).digest('hex');
}

/** `<MAGIC> <sum>\n` + V8's data; undefined when missing or not in this format. */
function readCache(file: string): { sum: string; data: Buffer } | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = buf.indexOf(10);
  const header = nl < 0 ? '' : buf.toString('latin1', 0, nl);
  if (!header.startsWith(`${MAGIC} `)) return undefined;
  const sum = header.slice(MAGIC.length + 1);
  return /^[0-9a-f]{64}$/.test(sum) ? { sum, data: buf.subarray(nl + 1) } : undefined;
}

function switchedOff(env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  if (env.SLUICE_CODE_CACHE === 'off') return true;
  const flags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((f) => /^--(experimental-policy|policy-integrity|inspect-brk)\b/.test(f));
}

/** The `require` a module's code is given, as Node makes it. */
function requireFor(mod: CjsModule): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) =>
    loader._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = loader._extensions as NodeJS.Require['extensions'];
  require.cache = loader._cache as NodeJS.Require['cache'];
  return require;
}

let installed: CodeCache | undefined;

/**
 * Compiles the CommonJS files under `root` with their recorded cache from now on. Returns undefined
 * when switched off (see the file's comment) or when a code cache is installed already.
 */
export function installCodeCache(
  options: CodeCacheOptions,
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): CodeCache | undefined {
  if (installed || switchedOff(env, execArgv)) return undefined;
  const root = options.root.endsWith(sep) ? options.root : options.root + sep;
  const dir = options.dir ?? join(root, 'code-cache');
  const stats: CodeCacheStats = { used: 0, refused: 0, stale: 0, missing: 0, skipped: 0 };
  const compiled: { file: string; source: string; script: Script }[] = [];
  const original = loader.prototype._compile;
  // V8 refuses every cache for the same reason (its version, its flags): after one, none is read.
  let refusing = false;

  loader.prototype._compile = function compile(this: CjsModule, content: string, filename: string): unknown {
    if (!filename.startsWith(root) || content.startsWith('#!')) return original.call(this, content, filename);
    if (/\bimport\s*\(/.test(content)) {
      stats.skipped++;
      return original.call(this, content, filename);
    }
    const cacheFile = join(dir, `${relative(root, filename)}.v8`);
    let cachedData: Buffer | undefined;
    if (refusing) stats.refused++;
    else if (!options.record) {
      const cached = readCache(cacheFile);
      if (!cached) stats.missing++;
      else if (cached.sum !== sumOf(content, cached.data)) stats.stale++;
      else cachedData = cached.data;
    }
    const script = new Script(loader.wrap(content), { filename, ...(cachedData && { cachedData }) });
    if (cachedData) {
      if (script.cachedDataRejected) {
        stats.refused++;
        refusing = true;
      } else stats.used++;
    }
    if (options.record) compiled.push({ file: cacheFile, source: content, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };

  installed = {
    stats,
    write() {
      for (const { file, source, script } of compiled) {
        mkdirSync(dirname(file), { recursive: true });
        const data = script.createCachedData();
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC} ${sumOf(source, data)}\n`, 'latin1'), data]));
        renameSync(tmp, file);
      }
      return compiled.length;
    },
    uninstall() {
      loader.prototype._compile = original;
      installed = undefined;
    },
  };
  return installed;
}

/** The counts of the code cache installed in this process, if one is. */
export function codeCacheStats(): CodeCacheStats | undefined {
  return installed?.stats;
}
