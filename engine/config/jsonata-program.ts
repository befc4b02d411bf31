/**
 * The JSONata a pipeline evaluates, loaded and checked before anything runs: the transform (inline,
 * or `transform: { file }`) and the `functions` libraries, each file read strictly (size bound,
 * UTF-8) relative to the pipeline file. A problem inside a file is reported at its line and column in
 * that file; a file that cannot be read, where the pipeline names it.
 */
import { resolve } from 'node:path';
import { literalFields, parseJsonata, unknownLookups, type AstNode } from '../transform/jsonata-ast.js';
import { JSONATA_BUILTINS, SLUICE_BINDINGS } from '../transform/jsonata-builtins.js';
import { libraryExports, unknownCalls, type NamedAt } from '../transform/jsonata-functions.js';
import type { JsonataFile, JsonataProgram } from '../transform/library.js';
import type { Diagnostic } from './diagnostics.js';
import type { PipelineFile } from './pipeline.generated.js';
import { readConfigText } from './text-file.js';
import { TextPositions } from './text-position.js';
import type { YamlPath } from './yaml-file.js';

/** Where the pipeline's checks put their diagnostics (the pipeline loader's checker). */
export interface Reporter {
  add(list: readonly Diagnostic[]): void;
  at(path: YamlPath, code: string, message: string): void;
  atOffset(path: YamlPath, offset: number, code: string, message: string): void;
}

/** A connector's check of literal values the transform writes (e.g. a list code with a hyphen). */
export type LiteralLint = (values: Record<string, string>) => { field: string; message: string }[];

export interface CheckedLibrary {
  file: JsonataFile;
  exports: NamedAt[];
  positions: TextPositions;
  ast: AstNode;
}

/** Reads a JSONata file the pipeline names at `at`; a missing file is reported there, a bad one in itself. */
export function readJsonataFile(c: Reporter, dir: string, ref: string, at: YamlPath): JsonataFile | undefined {
  const abs = resolve(dir, ref);
  const r = readConfigText(abs);
  if (r.ok) return { path: abs, text: r.text };
  if (r.diagnostic.code === 'FILE_UNREADABLE')
    c.at(at, 'FILE_UNREADABLE', `${ref}: ${r.diagnostic.message} (${abs}; paths are relative to the pipeline file)`);
  else c.add([r.diagnostic]);
  return undefined;
}

/**
 * Parses a library and checks what can be checked on its own: syntax, its shape (an object of
 * functions), names that would replace JSONata's or sluice's functions, and calls to functions it
 * cannot reach (a library reaches JSONata's functions, `$lookup` and its own functions).
 */
export function checkLibrary(file: JsonataFile, out: Diagnostic[]): CheckedLibrary | undefined {
  // `validate pipelines/` checks one library for every pipeline that uses it: once per text is enough.
  const seen = checked.get(file.path);
  if (seen && seen.text === file.text) {
    out.push(...seen.diagnostics.map((d) => ({ ...d })));
    return seen.result && { ...seen.result, file };
  }
  const diagnostics: Diagnostic[] = [];
  const result = checkLibraryText(file, diagnostics);
  if (checked.size >= 64) checked.clear();
  checked.set(file.path, { text: file.text, diagnostics, result });
  out.push(...diagnostics.map((d) => ({ ...d })));
  return result;
}

const checked = new Map<string, { text: string; diagnostics: Diagnostic[]; result: CheckedLibrary | undefined }>();

function checkLibraryText(file: JsonataFile, out: Diagnostic[]): CheckedLibrary | undefined {
  const positions = new TextPositions(file.path, file.text);
  const { ast, problem } = parseJsonata(file.text);
  if (problem) {
    out.push(positions.diagnostic(problem.offset, problem.code, problem.message));
    return undefined;
  }
  if (!ast) return undefined;
  const { exports, problems } = libraryExports(ast);
  for (const p of problems) out.push(positions.diagnostic(p.offset, p.code, p.message));
  for (const e of exports) {
    if (SLUICE_BINDINGS.has(e.name) || JSONATA_BUILTINS.has(e.name)) {
      const whose = SLUICE_BINDINGS.has(e.name) ? "sluice's" : "JSONata's built-in";
      out.push(
        positions.diagnostic(e.offset, 'FUNCTION_CLASH', `"${e.name}" would replace ${whose} $${e.name}: rename it`),
      );
    }
  }
  const known = new Set([...JSONATA_BUILTINS, ...SLUICE_BINDINGS, ...exports.map((e) => e.name)]);
  const where = "this library's functions (a library reaches JSONata's functions, $lookup and its own functions)";
  for (const p of unknownCalls(ast, known, where)) out.push(positions.diagnostic(p.offset, p.code, p.message));
  return { file, exports, positions, ast };
}

interface Libraries {
  files: JsonataFile[];
  /** Function name → the library (as the pipeline names it) that defines it. */
  defined: Map<string, string>;
  /** Every library was read and parsed: only then can a call be said to reach nothing. */
  complete: boolean;
}

function loadLibraries(c: Reporter, refs: readonly unknown[], dir: string): Libraries {
  const out: Libraries = { files: [], defined: new Map(), complete: true };
  const listed = new Map<string, number>();
  refs.forEach((ref, i) => {
    if (typeof ref !== 'string' || ref === '') {
      out.complete = false; // the schema reports it
      return;
    }
    const abs = resolve(dir, ref);
    const first = listed.get(abs);
    if (first !== undefined) {
      c.at(['functions', i], 'FUNCTION_CLASH', `${ref} is already listed as functions[${first}]`);
      return;
    }
    listed.set(abs, i);
    const file = readJsonataFile(c, dir, ref, ['functions', i]);
    const diagnostics: Diagnostic[] = [];
    const lib = file && checkLibrary(file, diagnostics);
    c.add(diagnostics);
    if (!lib) {
      out.complete = false;
      return;
    }
    for (const e of lib.exports) {
      const other = out.defined.get(e.name);
      if (other === undefined) out.defined.set(e.name, ref);
      else
        c.add([
          lib.positions.diagnostic(
            e.offset,
            'FUNCTION_CLASH',
            `$${e.name} is also defined by ${other}; one library of \`functions\` must rename it`,
          ),
        ]);
    }
    out.files.push(lib.file);
  });
  return out;
}

/** The transform's text and where to report a problem at an offset inside it. */
function transformSite(
  c: Reporter,
  spec: PipelineFile,
  dir: string,
): { text: string; file?: string; report: (offset: number, code: string, message: string) => void } | undefined {
  const t: unknown = spec.transform;
  if (typeof t === 'string')
    return t === '' ? undefined : { text: t, report: (o, code, m) => c.atOffset(['transform'], o, code, m) };
  const ref = t && typeof t === 'object' ? (t as { file?: unknown }).file : undefined;
  if (typeof ref !== 'string' || ref === '') return undefined; // the schema reports it
  const file = readJsonataFile(c, dir, ref, ['transform', 'file']);
  if (!file) return undefined;
  const positions = new TextPositions(file.path, file.text);
  return { text: file.text, file: file.path, report: (o, code, m) => c.add([positions.diagnostic(o, code, m)]) };
}

/**
 * Loads and checks the pipeline's JSONata. Returns the program when the transform and every library
 * could be read and compiled (other problems, such as an unknown function, are still reported).
 */
export function loadProgram(
  c: Reporter,
  spec: PipelineFile,
  dir: string,
  lookupNames: readonly string[],
  lint?: LiteralLint,
): JsonataProgram | undefined {
  const refs: unknown = spec.functions;
  const libraries = loadLibraries(c, Array.isArray(refs) ? refs : [], dir);
  const site = transformSite(c, spec, dir);
  if (!site) return undefined;
  const { ast, problem } = parseJsonata(site.text);
  if (problem) {
    site.report(problem.offset, problem.code, problem.message);
    return undefined;
  }
  if (!ast) return undefined;
  for (const p of unknownLookups(ast, lookupNames)) site.report(p.offset, p.code, p.message);
  if (libraries.complete) {
    const known = new Set([...JSONATA_BUILTINS, ...SLUICE_BINDINGS, ...libraries.defined.keys()]);
    const names = Array.isArray(refs) && refs.length > 0 ? refs.join(', ') : 'none listed';
    for (const p of unknownCalls(ast, known, `the libraries of \`functions\` (${names})`))
      site.report(p.offset, p.code, p.message);
  }
  if (lint) {
    const fields = literalFields(ast);
    const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.value]));
    for (const p of lint(values))
      site.report(fields[p.field]?.offset ?? 0, 'LITERAL_INVALID', `${p.field}: ${p.message}`);
  }
  if (!libraries.complete) return undefined;
  return {
    transform: site.text,
    ...(site.file !== undefined && { transformFile: site.file }),
    libraries: libraries.files,
  };
}
