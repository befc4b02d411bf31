/**
 * `sluice test` for a function library: `<lib>.test.yaml` beside `<lib>.jsonata`. The library is read
 * and checked as a pipeline's would be; each case then evaluates it with the case's lookup records,
 * calls one of its functions with the case's arguments, and compares what it returns (or the message
 * it fails with) with the expectation. Nothing connects anywhere.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { jsonata } from '../transform/jsonata-lib.js';
import type { DataRecord } from '../connector/types.js';
import { loadJsonSchema } from '../connector/load-schema.js';
import { compileSchema, schemaDiagnostics } from '../config/ajv.js';
import type { Diagnostic } from '../config/diagnostics.js';
import { checkLibrary } from '../config/jsonata-program.js';
import { readConfigText } from '../config/text-file.js';
import type { YamlFile, YamlPath } from '../config/yaml-file.js';
import { describeError } from '../errors.js';
import { parseJsonata } from '../transform/jsonata-ast.js';
import { compileKey, isFieldPath, keyOrUndefined, type KeyFn } from '../transform/key.js';
import { evaluateLibrary, jsonataErrorMessage, type JsonataFile } from '../transform/library.js';
import { lookupBinding, type LookupTable } from '../transform/transform.js';
import { compareValue, plainValue, show } from './compare-values.js';
import type { LibraryTestCase, LibraryTestFile } from './library-test.generated.js';
import type { CaseResult } from './types.js';

const schema = loadJsonSchema(new URL('../../schemas/library-test.schema.json', import.meta.url));

const LIBRARY_EXTENSION = '.jsonata';

/** The library a test file tests: `library:` if set, else `<name>.jsonata` beside `<name>.test.yaml` — unless a pipeline `<name>.yaml` is there too. */
export function libraryUnderTest(testPath: string, data: unknown): string | undefined {
  const d = (data && typeof data === 'object' ? data : {}) as { library?: unknown; pipeline?: unknown };
  if (typeof d.library === 'string') return resolve(dirname(testPath), d.library);
  if (d.pipeline !== undefined) return undefined;
  const base = testPath.replace(/\.test\.ya?ml$/, '');
  if (!existsSync(base + LIBRARY_EXTENSION) || existsSync(`${base}.yaml`) || existsSync(`${base}.yml`))
    return undefined;
  return base + LIBRARY_EXTENSION;
}

/** The test file of a library: `<name>.test.yaml` for `<name>.jsonata`. */
export function libraryTestFile(libraryPath: string): string | undefined {
  if (!libraryPath.endsWith(LIBRARY_EXTENSION)) return undefined;
  const t = `${libraryPath.slice(0, -LIBRARY_EXTENSION.length)}.test.yaml`;
  return existsSync(t) ? t : undefined;
}

function at(
  file: YamlFile,
  path: YamlPath,
  code: string,
  message: string,
  which: 'key' | 'value' = 'value',
): Diagnostic {
  const p = file.locate(path, which);
  return { file: file.path, line: p.line, col: p.col, code, message, severity: 'error' };
}

/** The library's text, checked; every problem (of the test file or the library) goes to `out`. */
function loadLibrary(file: YamlFile, data: LibraryTestFile, libraryPath: string, out: Diagnostic[]) {
  const read = readConfigText(libraryPath);
  if (!read.ok) {
    const where = relative(dirname(file.path), libraryPath);
    if (read.diagnostic.code === 'FILE_UNREADABLE')
      out.push(at(file, ['library'], 'FILE_UNREADABLE', `library ${where}: ${read.diagnostic.message}`));
    else out.push(read.diagnostic);
    return undefined;
  }
  const lib = checkLibrary({ path: libraryPath, text: read.text }, out);
  if (!lib) return undefined;
  const names = lib.exports.map((e) => e.name);
  const declared = Object.keys(data.lookups ?? {});
  for (const [name, l] of Object.entries(data.lookups ?? {})) {
    if (isFieldPath(l.key)) continue;
    const { problem } = parseJsonata(l.key);
    if (problem) {
      const p = file.locateInString(['lookups', name, 'key'], problem.offset);
      out.push({
        file: file.path,
        ...p,
        code: 'JSONATA_SYNTAX',
        message: `in key expression: ${problem.message}`,
        severity: 'error',
      });
    }
  }
  data.cases.forEach((c, i) => {
    if (!names.includes(c.call))
      out.push(
        at(
          file,
          ['cases', i, 'call'],
          'FUNCTION_UNKNOWN',
          `the library defines no function "${c.call}"; it defines: ${names.join(', ') || 'none'}`,
        ),
      );
    for (const name of Object.keys(c.lookups ?? {}))
      if (!declared.includes(name))
        out.push(
          at(
            file,
            ['cases', i, 'lookups', name],
            'LOOKUP_UNKNOWN',
            `lookup "${name}" is not declared under \`lookups:\` at the top of this file (with its key); declared: ${declared.join(', ') || 'none'}`,
            'key',
          ),
        );
  });
  return lib.file;
}

async function tables(c: LibraryTestCase, keys: ReadonlyMap<string, KeyFn>): Promise<Map<string, LookupTable>> {
  const out = new Map<string, LookupTable>();
  for (const [name, key] of keys) {
    const map = new Map<string, DataRecord>();
    for (const r of (c.lookups?.[name] ?? []) as DataRecord[]) {
      const k = await keyOrUndefined(key, r);
      if (k !== undefined && !map.has(k)) map.set(k, r);
    }
    out.set(name, { get: (k) => map.get(k), size: map.size });
  }
  return out;
}

async function runCase(lib: JsonataFile, c: LibraryTestCase, keys: ReadonlyMap<string, KeyFn>): Promise<string[]> {
  const lookup = lookupBinding(await tables(c, keys));
  const functions = await evaluateLibrary(lib, lookup);
  const args = c.args ?? [];
  const call = jsonata(`$${c.call}(${args.map((_, i) => `$__arg${i}`).join(', ')})`);
  const bindings: Record<string, unknown> = { ...functions, lookup };
  args.forEach((a, i) => (bindings[`__arg${i}`] = a));
  let result: unknown;
  let error: string | undefined;
  try {
    result = await call.evaluate(undefined, bindings);
  } catch (err) {
    error = jsonataErrorMessage(err);
  }
  const expected = c.expect;
  if (expected.error !== undefined) {
    if (error === undefined)
      return [`expected an error containing "${expected.error}"; the call returned ${show(plainValue(result))}`];
    return error.includes(expected.error)
      ? []
      : [`error: expected a message containing "${expected.error}", got "${error}"`];
  }
  if (error !== undefined) return [`the call failed: ${error}`];
  return compareValue(expected.result, result);
}

/** Runs the cases of a library test file (already read and parsed as YAML). */
export async function runLibraryTests(
  file: YamlFile,
  libraryPath: string,
): Promise<{ results: CaseResult[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const data = file.toJS() as LibraryTestFile;
  for (const d of schemaDiagnostics(compileSchema(schema), data, file, [])) diagnostics.push(d);
  if (diagnostics.length > 0) return { results: [], diagnostics };
  const lib = loadLibrary(file, data, libraryPath, diagnostics);
  if (!lib || diagnostics.some((d) => d.severity === 'error')) return { results: [], diagnostics };
  const keys = new Map(Object.entries(data.lookups ?? {}).map(([name, l]) => [name, compileKey(l.key)]));
  const results: CaseResult[] = [];
  for (const c of data.cases) {
    let failures: string[];
    try {
      failures = await runCase(lib, c, keys);
    } catch (err) {
      failures = [`the case could not run: ${describeError(err)}`];
    }
    results.push({ file: file.path, name: c.name, ok: failures.length === 0, failures });
  }
  return { results, diagnostics };
}
