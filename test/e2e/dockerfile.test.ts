/**
 * The Dockerfile, checked without Docker (which this test machine cannot run): what it copies
 * exists where it says, nothing it needs is left out by .dockerignore, the image's `sluice` reaches
 * the built CLI, every file the built code opens beside itself is in a directory the image holds,
 * and every package the built code imports survives `npm prune --omit=dev`. Run after `npm run build`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** The Dockerfile's stages with their instructions (comments and continuations folded). */
function stages(): Stage[] {
  const out: Stage[] = [];
  const text = dockerfile.replace(/\\\n/g, ' ');
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1]!, ...(from[2] && { name: from[2] }), lines: [] });
    else out.at(-1)!.lines.push(line);
  }
  return out;
}

function copies(stage: Stage): { from?: string; sources: string[]; dest: string }[] {
  return stage.lines
    .filter((l) => /^COPY\s/i.test(l))
    .map((l) => {
      const words = l.split(/\s+/).slice(1);
      const flags = words.filter((w) => w.startsWith('--'));
      const rest = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { ...(from && { from }), sources: rest.slice(0, -1), dest: rest.at(-1)! };
    });
}

const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

function isIgnored(path: string): boolean {
  return ignored.some((pattern) => {
    if (pattern.startsWith('**/')) {
      const tail = pattern.slice(3).replace(/\./g, '\\.').replace(/\*/g, '[^/]*');
      return new RegExp(`(^|/)${tail}$`).test(path);
    }
    return path === pattern || path.startsWith(`${pattern}/`);
  });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/**
 * The built modules the image runs: dist/test holds test helpers the image never loads, and a
 * connector's test-support / test-helpers modules are loaded only by its tests (no runtime module
 * imports them; checked below).
 */
const TEST_ONLY = /[/\\]test-(support|helpers)\.js$/;
const shipped = (): string[] =>
  files(join(ROOT, 'dist')).filter((f) => !f.startsWith(join(ROOT, 'dist', 'test') + sep) && !TEST_ONLY.test(f));

describe('the Dockerfile', () => {
  const [build, runtime] = stages();

  it('builds on Node 20 in two stages, the runtime one slim', () => {
    expect(stages()).toHaveLength(2);
    expect(build!.from).toMatch(/^node:20\b/);
    expect(runtime!.from).toMatch(/^node:20[.\w-]*-slim$/);
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(build!.lines).toContain('RUN npm run build && npm prune --omit=dev');
  });

  it('copies into the build what exists in the context and is not ignored', () => {
    for (const c of copies(build!))
      for (const src of c.sources) {
        if (src === '.') continue;
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        expect(isIgnored(src), `${src} is in .dockerignore`).toBe(false);
      }
    // what the build needs of the context is not ignored
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'scripts/copy-assets.mjs',
      'schemas/plan.schema.json',
      'pipelines',
      'bin/sluice.js',
    ])
      expect(isIgnored(needed), needed).toBe(false);
    expect(isIgnored('node_modules')).toBe(true); // installed in the image, never copied from here
  });

  it('copies from the build stage what the build makes, and sluice reaches the built CLI', () => {
    const fromBuild = copies(runtime!).filter((c) => c.from === build!.name);
    expect(fromBuild.length).toBeGreaterThan(0);
    for (const c of fromBuild)
      for (const src of c.sources) {
        expect(src.startsWith('/src/'), src).toBe(true);
        expect(existsSync(join(ROOT, src.slice('/src/'.length))), src).toBe(true);
      }
    const copied = fromBuild.flatMap((c) => c.sources.map((s) => s.slice('/src/'.length)));
    expect(copied).toEqual(
      expect.arrayContaining(['package.json', 'node_modules', 'dist', 'bin', 'schemas', 'pipelines']),
    );
    expect(runtime!.lines).toContain('RUN ln -s /opt/sluice/bin/sluice.js /usr/local/bin/sluice');
    expect(runtime!.lines).toContain('ENTRYPOINT ["sluice"]');
    expect(runtime!.lines).toContain('USER node');
    const bin = readFileSync(join(ROOT, 'bin', 'sluice.js'), 'utf8');
    const target = /import\('([^']+)'\)/.exec(bin)![1]!;
    expect(existsSync(resolve(ROOT, 'bin', target))).toBe(true);
  });

  it('holds every file the built code opens beside itself', () => {
    // /opt/sluice in the image: these directories of the project, as the runtime stage copies them
    const held = ['dist', 'schemas', 'bin', 'node_modules', 'package.json'];
    let checked = 0;
    for (const file of shipped()) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)) {
        const path = fileURLToPath(new URL(m[1]!, `file://${file}`));
        const rel = relative(ROOT, path);
        checked++;
        expect(existsSync(path), `${relative(ROOT, file)} opens ${m[1]}`).toBe(true);
        if (rel === '' || (statSync(path).isDirectory() && rel === '.')) continue;
        expect(
          held.some((h) => rel === h || rel.startsWith(`${h}${sep}`)),
          `${relative(ROOT, file)} opens ${rel}, which the image does not copy`,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('loads no test-support module from a module the image runs', () => {
    const users = shipped().filter((f) => /from '[^']*test-(support|helpers)\.js'/.test(readFileSync(f, 'utf8')));
    expect(users.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('needs no package that npm prune --omit=dev removes', () => {
    const builtins = new Set(builtinModules);
    const missing = new Map<string, string>();
    for (const file of shipped()) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/gm,
      )) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        const where = relative(ROOT, file);
        if (name in pkg.dependencies) continue;
        missing.set(name, where);
      }
    }
    expect(Object.fromEntries(missing)).toEqual({});
  });
});
