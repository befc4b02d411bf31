/**
 * Start-up imports only what a command uses (behaviour, not timing: the start-up ratios are measured
 * by `npm run bench`). Every module the built CLI loads is recorded by a preload hook
 * (test/helpers/record-modules.mjs) and checked by name. The CLI runs from a bundle (dist/cli/, by
 * scripts/bundle.mjs): each chunk it loads stands for the modules in it, as dist/cli/meta.json lists.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli, type CliOptions, type CliResult } from '../helpers/cli.js';
import type { CodeCacheStats } from '../../app/cli/code-cache.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECORDER = new URL('../helpers/record-modules.mjs', import.meta.url).href;
const CACHE_RECORDER = new URL('../helpers/record-code-cache.mjs', import.meta.url).href;

const BUNDLE = pathToFileURL(join(ROOT, 'dist', 'cli')).href + '/';

/** The modules in each loaded chunk of the bundle (esbuild's metafile: output → inputs). */
function unbundled(urls: string[]): string[] {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli', 'meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return urls.flatMap((url) => {
    if (!url.startsWith(BUNDLE)) return [url];
    const output = meta.outputs[`dist/cli/${url.slice(BUNDLE.length)}`];
    if (!output) throw new Error(`${url} is not in dist/cli/meta.json: rebuild (npm run build)`);
    return Object.keys(output.inputs).map((input) => pathToFileURL(join(ROOT, input)).href);
  });
}

async function loaded(args: string[], cwd: string): Promise<{ result: CliResult; modules: string[]; files: string[] }> {
  const log = join(tempDir('sluice-modules-'), 'modules.log');
  writeFileSync(log, '');
  const result = await cli(args, { cwd, env: { NODE_OPTIONS: `--import=${RECORDER}`, SLUICE_MODULE_LOG: log } });
  const files = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
  return { result, modules: [...new Set(unbundled(files))], files };
}

const packageOf = (url: string): string | undefined => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
const packages = (modules: string[]): Set<string> => new Set(modules.map(packageOf).filter((p) => p !== undefined));
const ours = (modules: string[], dir: string): string[] =>
  modules.filter((u) => !u.includes('/node_modules/') && u.includes(`/dist/${dir}/`));

describe('start-up loads only what the command uses', () => {
  it('the recorder sees what a command loads (the check itself works)', async () => {
    const { result, modules } = await loaded(['validate', 'pipelines'], ROOT);
    expect(result.code).toBe(0);
    expect(packages(modules)).toContain('commander');
    expect(packages(modules)).toContain('ajv');
    expect(ours(modules, 'connectors').length).toBeGreaterThan(0);
  });

  it('the CLI runs from the bundle: none of the compiled modules it bundles is loaded one by one', async () => {
    const { result, files } = await loaded(['validate', 'pipelines'], ROOT);
    expect(result.code).toBe(0);
    expect(files).toContain(`${BUNDLE}main.js`);
    // Ajv's precompiled validators are the only compiled files loaded by path (by require), besides
    // the code cache's loader, which bin/sluice.js loads before the bundle
    const loose = files.filter(
      (u) =>
        /\/dist\/(app|engine|connectors)\//.test(u) &&
        !/\/precompiled\/[\w-]+\.cjs$/.test(u) &&
        !u.endsWith('/dist/app/cli/code-cache.js'),
    );
    expect(loose).toEqual([]);
    for (const bundled of ['commander', 'yaml', 'jsonata'])
      expect(
        files.filter((u) => packageOf(u) === bundled),
        bundled,
      ).toEqual([]);
  });

  it('--help loads commander and the command definitions: no connector, engine run path, knex, got or pino', async () => {
    const { result, modules } = await loaded(['--help'], ROOT);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: sluice');
    expect([...packages(modules)]).toEqual(['commander']);
    // the registry's list and the emulators' usage texts (plain strings) are all of connectors/ it reads
    expect(ours(modules, 'connectors').every((u) => /\/connectors\/(index|[\w-]+\/emulator\/usage)\.js$/.test(u))).toBe(
      true,
    );
    expect(
      ours(modules, 'engine').filter((u) =>
        /\/engine\/((run|plan|apply|transform)\/|state\/store|config\/(validate|pipeline))/.test(u),
      ),
    ).toEqual([]);
  });

  it('validate reads connector definitions, but loads no transport (got, knex, SQL drivers), emulator or logger', async () => {
    const { result, modules } = await loaded(['validate', 'pipelines'], ROOT);
    expect(result.code).toBe(0);
    const pkgs = packages(modules);
    for (const heavy of ['knex', 'got', 'mysql2', 'better-sqlite3', 'pino', 'pino-pretty', 'cli-progress', 'lodash'])
      expect(pkgs, heavy).not.toContain(heavy);
    expect(ours(modules, 'connectors').filter((u) => /\/emulator\/(?!usage\.js$)/.test(u))).toEqual([]);
    expect(ours(modules, 'connectors').filter((u) => /\/connectors\/sql\/client\.js$/.test(u))).toEqual([]);
  });

  it("validate reads SAP Business One's and Concur's resource definitions, not their reading or writing code", async () => {
    const { result, modules } = await loaded(['validate', 'pipelines'], ROOT);
    expect(result.code).toBe(0);
    const connectors = ours(modules, 'connectors');
    // the pipelines use both: their definitions are read
    expect(connectors.some((u) => u.endsWith('/connectors/sap-b1/resources/definitions.js'))).toBe(true);
    expect(connectors.some((u) => u.endsWith('/connectors/concur/resources/definitions.js'))).toBe(true);
    const readWrite = [
      'sap-b1/client',
      'sap-b1/connection',
      'sap-b1/query',
      'sap-b1/resources/openers',
      'sap-b1/resources/write-runner',
      'sap-b1/resources/guarded-create',
      'sap-b1/resources/entity-source',
      'sap-b1/resources/master-data-target',
      'sap-b1/resources/journal-reverse',
      'concur/client',
      'concur/resources/openers',
      'concur/resources/list-items-write',
      'concur/resources/scim-bulk',
      'concur/resources/fis-posting',
      'concur/resources/user-directory',
      'concur/resources/paging',
    ];
    expect(connectors.filter((u) => readWrite.some((m) => u.endsWith(`/connectors/${m}.js`)))).toEqual([]);
  });

  it('a file → file run loads no HTTP client, no emulator and no pretty printer (JSON logs off a TTY)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.jsonl'), '{"id":"a","n":1}\n');
    writeFileSync(join(dir, 'connections.yaml'), stringify({ connections: { files: { connector: 'file' } } }));
    writeFileSync(
      join(dir, 'p.yaml'),
      stringify({
        version: 1,
        name: 'startup',
        source: { connection: 'files', resource: 'records', options: { path: 'in.jsonl' } },
        transform: '{ "id": id, "n": n }',
        target: { connection: 'files', resource: 'records', options: { path: 'out.jsonl' }, key: 'id' },
      }),
    );
    const { result, modules } = await loaded(['run', 'p.yaml', '--no-progress'], dir);
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const pkgs = packages(modules);
    for (const unused of ['got', 'mysql2', 'pino-pretty', 'cli-progress']) expect(pkgs, unused).not.toContain(unused);
    expect(ours(modules, 'connectors').filter((u) => /\/emulator\/(?!usage\.js$)/.test(u))).toEqual([]);
  });

  it("each command's bundle compiles from the code cache the build recorded, under the shebang's flags", async () => {
    const { result, stats } = await withCacheStats(['validate', 'pipelines'], { cwd: ROOT });
    expect(result.code).toBe(0);
    // every chunk and precompiled validator validate compiles was recorded by the build (scripts/code-cache.mjs)
    expect(stats).toMatchObject({ refused: 0, stale: 0, missing: 0 });
    // the one chunk that calls import() (engine/runtime/got.js: got is an ES module only) compiles as usual
    expect(stats!.skipped).toBe(1);
    expect(stats!.used).toBeGreaterThan(30);
    const help = await withCacheStats(['--help'], { cwd: ROOT });
    expect(help.stats).toMatchObject({ refused: 0, stale: 0, missing: 0 });
    expect(help.stats!.used).toBeGreaterThan(2);
  });

  it('the same results from the cache, without it, and under other node flags (V8 refuses it)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'connections.yaml'), stringify({ connections: { files: { connector: 'file' } } }));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'version: 1\nname: bad\nsource: { connection: files, resource: records, options: { path: in.jsonl } }\n' +
        'transform: "{ \\"id\\": id, "\ntarget: { connection: nowhere, resource: records, key: id }\n',
    );
    const cached = await withCacheStats(['validate', dir], { cwd: dir });
    const off = await withCacheStats(['validate', dir], { cwd: dir, env: { SLUICE_CODE_CACHE: 'off' } });
    const flagless = await withCacheStats(['validate', dir], { cwd: dir, nodeFlags: [] });
    expect(cached.result.code).toBe(2);
    expect(cached.result.stdout).toContain('JSONATA_SYNTAX');
    expect(cached.stats!.used).toBeGreaterThan(30);
    expect(off.stats).toBeNull();
    expect(flagless.stats).toMatchObject({ used: 0, stale: 0 });
    expect(flagless.stats!.refused).toBeGreaterThan(30);
    for (const other of [off, flagless]) expect(other.result).toEqual(cached.result);
  });
});

/** Runs the CLI and reads the counts of its code cache (null: none installed). */
async function withCacheStats(
  args: string[],
  options: CliOptions,
): Promise<{ result: CliResult; stats: CodeCacheStats | null }> {
  const log = join(tempDir('sluice-code-cache-'), 'stats.json');
  const result = await cli(args, {
    ...options,
    env: { ...options.env, NODE_OPTIONS: `--import=${CACHE_RECORDER}`, SLUICE_CODE_CACHE_LOG: log },
  });
  return { result, stats: JSON.parse(readFileSync(log, 'utf8')) as CodeCacheStats | null };
}
