/**
 * Static facts about functions in a JSONata expression, for `sluice validate`: the functions a
 * library file defines (its value must be an object constructor of functions), the names an
 * expression calls, the names it binds itself, and calls to names defined nowhere. Best effort: scopes
 * are not tracked, so a name bound anywhere in the file counts as defined everywhere in it.
 */
import { startOffset, walk, type AstNode, type JsonataProblem } from './jsonata-ast.js';

/** A name a library function can be bound and called by: `$postJournalEntry(…)`. */
export const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface NamedAt {
  name: string;
  /** 0-based offset in the expression. */
  offset: number;
}

/** Offset of the `$` of a variable node (JSONata records the offset just after the name). */
function variableStart(n: AstNode): number {
  return Math.max(0, (n.position ?? 0) - String(n.value).length - 1);
}

function isPlainVariable(n: AstNode | undefined): n is AstNode & { value: string } {
  return n?.type === 'variable' && typeof n.value === 'string' && n.value !== '' && !n.predicate && !n.stages;
}

/** `$name(…)`, `$name(?, …)` and `… ~> $name`: the functions called by name. */
export function functionCalls(ast: AstNode): NamedAt[] {
  const out: NamedAt[] = [];
  walk(ast, (n) => {
    const proc = n.procedure as AstNode | undefined;
    if ((n.type === 'function' || n.type === 'partial') && isPlainVariable(proc))
      out.push({ name: proc.value, offset: variableStart(proc) });
    const rhs = n.rhs as AstNode | undefined;
    if (n.type === 'apply' && isPlainVariable(rhs)) out.push({ name: rhs.value, offset: variableStart(rhs) });
  });
  return out;
}

/** Names the expression binds itself: `$x := …` and the parameters of its lambdas. */
export function boundNames(ast: AstNode): Set<string> {
  const out = new Set<string>();
  walk(ast, (n) => {
    const lhs = n.lhs as AstNode | undefined;
    if (n.type === 'bind' && isPlainVariable(lhs)) out.add(lhs.value);
    if (n.type === 'lambda')
      for (const a of (n.arguments as AstNode[] | undefined) ?? []) if (isPlainVariable(a)) out.add(a.value);
  });
  return out;
}

const shapeHint =
  'a library is an object of functions, `{ "name": function($x) { … }, … }`, optionally at the end of a block that defines helpers: `( $h := function($x) { … }; { "name": $h } )`';

function problem(message: string, offset: number): JsonataProblem {
  return { code: 'LIBRARY_INVALID', message, offset };
}

/**
 * The functions a library defines, or why it is not a library. Its value must be an object
 * constructor whose keys are names in quotes and whose values are functions: `function(…) {…}`, or a
 * variable the enclosing block binds to one.
 */
export function libraryExports(ast: AstNode): { exports: NamedAt[]; problems: JsonataProblem[] } {
  const lambdas = new Set<string>();
  let obj = ast;
  if (ast.type === 'block') {
    const list = (ast.expressions as AstNode[] | undefined) ?? [];
    for (const e of list) {
      const lhs = e.lhs as AstNode | undefined;
      if (e.type === 'bind' && isPlainVariable(lhs) && (e.rhs as AstNode | undefined)?.type === 'lambda')
        lambdas.add(lhs.value);
    }
    obj = list[list.length - 1] ?? ast;
  }
  if (obj.type !== 'unary' || obj.value !== '{' || !Array.isArray(obj.lhs))
    return { exports: [], problems: [problem(`the library's value is not an object of functions: ${shapeHint}`, 0)] };
  const exports: NamedAt[] = [];
  const problems: JsonataProblem[] = [];
  const seen = new Set<string>();
  for (const pair of obj.lhs as AstNode[][]) {
    const [k, v] = pair;
    if (k?.type !== 'string' || typeof k.value !== 'string') {
      problems.push(problem(`a library's keys must be function names in quotes: ${shapeHint}`, k?.position ?? 0));
      continue;
    }
    const offset = startOffset(k.position, `"${k.value}"`);
    if (!FUNCTION_NAME.test(k.value)) {
      problems.push(
        problem(`"${k.value}" cannot be called as a $function: use letters, digits and _ (not first)`, offset),
      );
      continue;
    }
    if (seen.has(k.value)) {
      problems.push(problem(`"${k.value}" is defined twice in the library`, offset));
      continue;
    }
    seen.add(k.value);
    const isFunction = v?.type === 'lambda' || (isPlainVariable(v) && lambdas.has(v.value));
    if (!isFunction) {
      problems.push(
        problem(
          `"${k.value}" is not a function: give it \`function($x) { … }\`${ast.type === 'block' ? ' or a $variable the block binds to one' : ''}`,
          offset,
        ),
      );
      continue;
    }
    exports.push({ name: k.value, offset });
  }
  if (exports.length === 0 && problems.length === 0)
    problems.push(problem(`the library defines no functions: ${shapeHint}`, obj.position ?? 0));
  return { exports, problems };
}

/** Edit distance, for "did you mean" (names are short; quadratic is fine). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The name closest to a misspelt one, when it is close enough to be the one meant. */
function closest(name: string, names: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.floor(name.length / 4));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const n of names) {
    const d = distance(n.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

/**
 * Calls to names that are not in `known` (JSONata's and sluice's functions, the libraries') and not
 * bound by the expression itself. `where` says what was searched, for the message.
 */
export function unknownCalls(ast: AstNode, known: ReadonlySet<string>, where: string): JsonataProblem[] {
  const own = boundNames(ast);
  const out: JsonataProblem[] = [];
  for (const call of functionCalls(ast)) {
    if (known.has(call.name) || own.has(call.name)) continue;
    const near = closest(call.name, [...known, ...own]);
    out.push({
      code: 'FUNCTION_UNKNOWN',
      message: `$${call.name}(…) calls a function that is defined nowhere: not a JSONata function, not bound in this file, not in ${where}${near ? `; did you mean $${near}?` : ''}`,
      offset: call.offset,
    });
  }
  return out;
}
