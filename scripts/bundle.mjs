// Bundles the compiled CLI (dist/app/cli/main.js and everything it imports) into dist/cli/, the
// code bin/sluice.js runs. Start-up was mostly module loading: about 200 files resolved, read and
// linked one by one for `sluice validate`. The bundle keeps every dynamic `import()` a separate
// chunk, so a command still loads only what it uses (test/e2e/startup.test.ts checks this through
// dist/cli/meta.json, which maps each chunk back to the modules in it).
//
// - Our modules and the pure-JavaScript packages of the start-up path (BUNDLED) are bundled; every
//   other package stays an import from node_modules (some are native or load files by path:
//   better-sqlite3, knex's dialects, pino's worker transports).
// - `import.meta.url` in a bundled module is rewritten to that module's own URL in dist/, so the
//   schemas, fixtures and worker files it finds beside itself are found the same way.
// - The transform threads' entry (engine/transform/transform-worker.js) is bundled in place, alone.
// - Modules loaded with `createRequire` (Ajv's precompiled validators and their runtime) stay in
//   node_modules and dist/.
// - The chunks are then made CommonJS, each on its own (esbuild splits only as ES modules): Node 20
//   can compile a CommonJS file with a V8 code cache, an ES module not (app/cli/code-cache.ts,
//   scripts/code-cache.mjs). A chunk's `import("./chunk.js")` becomes a require() of it; an
//   `import()` of a package stays one (got is an ES module only).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'cli');

/** Packages bundled into dist/cli/: pure JavaScript, no files loaded by path, on the start-up path. */
const BUNDLED = new Set(['commander', 'yaml', 'jsonata']);

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** `outDir`: where the bundle's files are written, which `import.meta.url` is made relative to. */
const layout = (outDir) => ({
  name: 'sluice-layout',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.kind === 'entry-point') return undefined;
      if (args.importer.includes('/node_modules/')) return undefined;
      return BUNDLED.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
    });
    build.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + '/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined; // esbuild reads it as it is
      const own = JSON.stringify(relative(outDir, args.path));
      return { contents: text.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`), loader: 'js' };
    });
  },
});

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages call require() for Node's built-in modules.
  banner: {
    js: "import { createRequire as __sluiceRequire } from 'node:module'; const require = __sluiceRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  ...common,
  entryPoints: { main: join(dist, 'app', 'cli', 'main.js') },
  splitting: true,
  outdir: out,
  chunkNames: '[name]-[hash]',
  plugins: [layout(out)],
  metafile: true,
});
writeFileSync(join(out, 'meta.json'), JSON.stringify(result.metafile));

/**
 * One chunk of the ES-module bundle as CommonJS. Imports of packages and builtins keep Node's own
 * semantics: a CommonJS package's default export is its `module.exports`, as when an ES module
 * imports it, whatever its `__esModule` flag says.
 */
async function commonJs(code) {
  const body = code.startsWith(common.banner.js) ? code.slice(common.banner.js.length) : code;
  const chunks = body.replace(
    /\bimport\((["'])(\.\/[\w.-]+\.js)\1\)/g,
    (_, q, path) => `Promise.resolve().then(() => require(${q}${path}${q}))`,
  );
  const { code: cjs } = await esbuild.transform(chunks, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: { 'import.meta.url': '__sluiceModuleUrl' },
    banner: body.includes('import.meta.url')
      ? 'const __sluiceModuleUrl = require("node:url").pathToFileURL(__filename).href;'
      : '',
    logLevel: 'warning',
  });
  // (a chunk imported by another one keeps ES-module semantics: its default export is `default`)
  return cjs.replace(/\b(__toESM\d*)\(require\(("[^".][^"]*")\)\)/g, '$1(require($2), 1)');
}

for (const name of readdirSync(out).filter((f) => f.endsWith('.js')))
  writeFileSync(join(out, name), await commonJs(readFileSync(join(out, name), 'utf8')));
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');

// A transform thread starts from engine/transform/transform-worker.js, found beside the pool that
// starts it: that file becomes a bundle of itself, in place, so each thread loads one file too.
// Bundled already (this script ran again without tsc in between): it stays as it is.
const worker = join(dist, 'engine', 'transform', 'transform-worker.js');
if (!readFileSync(worker, 'utf8').startsWith(common.banner.js))
  await esbuild.build({
    ...common,
    entryPoints: [worker],
    outfile: worker,
    allowOverwrite: true,
    plugins: [layout(dirname(worker))],
  });
