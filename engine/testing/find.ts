/**
 * Which test files `sluice test <paths…>` runs: test files named directly; the test file beside a
 * named pipeline or library; in a directory, every test file in it. A pipeline (named, or found in a
 * directory) brings the test files of the function libraries it uses, wherever they are, so
 * `sluice test pipelines/` also runs the tests of `pipelines/mappings/*.jsonata`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPipelineFile } from '../config/validate.js';
import { YamlFile } from '../config/yaml-file.js';
import { libraryTestFile } from './library-runner.js';

const TEST_FILE = /\.test\.ya?ml$/;

/** The test files of the libraries a pipeline names in `functions:` (none when it cannot be read). */
function libraryTestsOf(pipelinePath: string): string[] {
  const file = YamlFile.read(pipelinePath);
  const refs = file.ok ? (file.toJS() as { functions?: unknown } | null)?.functions : undefined;
  if (!Array.isArray(refs)) return [];
  return refs.flatMap((r) => {
    const t = typeof r === 'string' ? libraryTestFile(resolve(dirname(pipelinePath), r)) : undefined;
    return t ? [t] : [];
  });
}

export function findTestFiles(paths: readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  const pipeline = (abs: string): void => {
    const t = abs.replace(/\.ya?ml$/, '.test.yaml');
    if (existsSync(t)) out.push(t);
    out.push(...libraryTestsOf(abs));
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (TEST_FILE.test(abs)) out.push(abs);
    else if (/\.ya?ml$/.test(abs)) pipeline(abs);
    else if (abs.endsWith('.jsonata')) {
      const t = libraryTestFile(abs);
      if (t) out.push(t);
    } else if (existsSync(abs) && statSync(abs).isDirectory()) {
      const names = readdirSync(abs).sort();
      for (const n of names) if (TEST_FILE.test(n)) out.push(join(abs, n));
      for (const n of names)
        if (isPipelineFile(n) && statSync(join(abs, n)).isFile()) out.push(...libraryTestsOf(join(abs, n)));
    }
  }
  return [...new Set(out)];
}
