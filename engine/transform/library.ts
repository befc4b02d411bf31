/**
 * Function libraries at run time: each library file is compiled once and evaluated once (per run, or
 * per library test case) with `$lookup` bound; its value, an object of functions, becomes bindings
 * of the transform. A library's functions reach each other by name: every one is also assigned into
 * the library's own compiled environment, which the functions' closures look names up in.
 */
import { jsonata, type JsonataExpression } from './jsonata-lib.js';
import { ConfigError } from '../errors.js';

/** A JSONata file as the pipeline names it: `path` (absolute) and its text. */
export interface JsonataFile {
  path: string;
  text: string;
}

/** What a pipeline evaluates: its transform (inline, or read from `file`) and its function libraries. */
export interface JsonataProgram {
  transform: string;
  /** The transform's file, when it is not inline. */
  transformFile?: string;
  libraries: readonly JsonataFile[];
}

export type LookupFn = (name: string, key: unknown) => unknown;

/** The message of a JSONata error as sluice shows it: `$error("…")`'s text as is, else `JSONata <code>: …`. */
export function jsonataErrorMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  // $error("...") raises D3137; its message is the consultant's own reason, shown as is.
  return e.code === 'D3137' ? (e.message ?? 'error') : `JSONata ${e.code ?? 'error'}: ${e.message ?? String(err)}`;
}

function isFunction(v: unknown): boolean {
  return (
    typeof v === 'function' ||
    (!!v && typeof v === 'object' && (v as { _jsonata_lambda?: unknown })._jsonata_lambda === true)
  );
}

/** Evaluates one library and returns its functions by name; a value that is not an object of functions is refused. */
export async function evaluateLibrary(file: JsonataFile, lookup: LookupFn): Promise<Record<string, unknown>> {
  let value: unknown;
  let expr: JsonataExpression;
  try {
    expr = jsonata(file.text);
    value = await expr.evaluate(undefined, { lookup });
  } catch (err) {
    throw new ConfigError('LIBRARY_INVALID', `${file.path}: the library failed to load: ${jsonataErrorMessage(err)}`, {
      cause: err,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError('LIBRARY_INVALID', `${file.path}: the library's value is not an object of functions`);
  const functions: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(value as Record<string, unknown>)) {
    if (!isFunction(fn)) throw new ConfigError('LIBRARY_INVALID', `${file.path}: "${name}" is not a function`);
    functions[name] = fn;
  }
  for (const [name, fn] of Object.entries(functions)) expr.assign(name, fn);
  return functions;
}

/** The functions of every library, by name; a name two libraries define is refused (validation reports it first). */
export async function bindLibraries(files: readonly JsonataFile[], lookup: LookupFn): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const file of files) {
    for (const [name, fn] of Object.entries(await evaluateLibrary(file, lookup))) {
      const other = from.get(name);
      if (other !== undefined)
        throw new ConfigError('FUNCTION_CLASH', `$${name} is defined by both ${other} and ${file.path}`);
      from.set(name, file.path);
      all[name] = fn;
    }
  }
  return all;
}
