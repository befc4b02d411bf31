// Build step (after bundle.mjs): records the V8 code cache of the CLI (app/cli/code-cache.ts) into
// dist/code-cache/. It runs `sluice --help` and `sluice validate pipelines` in one child process,
// under the node flags of bin/sluice.js's shebang (V8 refuses a cache made under other flags), and
// writes the bytecode of every CommonJS file under dist/ they compiled: the bundle's chunks and Ajv's
// precompiled validators. A file those commands never load has no cache and compiles as usual.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist/`;
const dir = `${dist}code-cache`;
const COMMANDS = [['--help'], ['validate', 'pipelines']];

if (process.env.SLUICE_CODE_CACHE_RECORD !== '1') {
  rmSync(dir, { recursive: true, force: true });
  const shebang = readFileSync(`${root}bin/sluice.js`, 'utf8').split('\n')[0] ?? '';
  const flags = shebang.split(/\s+/).filter((a) => a.startsWith('--'));
  const child = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url)], {
    cwd: root,
    env: { ...process.env, SLUICE_CODE_CACHE_RECORD: '1', SLUICE_CODE_CACHE: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const summary = child.stderr.split('\n').find((l) => l.startsWith('code cache: recorded'));
  if (child.status !== 0 || !summary) {
    process.stderr.write(child.stderr);
    console.error('code cache: recording failed (above); nothing is cached, the CLI compiles as usual');
    process.exit(1);
  }
  console.log(summary);
} else {
  const { installCodeCache } = await import(`${dist}app/cli/code-cache.js`);
  const cache = installCodeCache({ root: dist, dir, record: true });
  const { main } = createRequire(import.meta.url)(`${dist}cli/main.js`);
  for (const args of COMMANDS) await main(['node', 'sluice', ...args]);
  console.error(`code cache: recorded ${cache.write()} files (${COMMANDS.map((c) => c.join(' ')).join(', ')})`);
  process.exitCode = 0;
}
