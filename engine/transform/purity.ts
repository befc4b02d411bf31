/**
 * Whether a transform's result depends only on its input record and the lookups: it does unless it,
 * or a function library it imports, calls a function whose value changes between calls ($now,
 * $millis, $random). Only a pure transform's records may be skipped when their source record is unchanged.
 */
import { jsonata } from './jsonata-lib.js';
import type { JsonataProgram } from './library.js';

/** JSONata built-ins whose result changes from one evaluation to the next. */
export const IMPURE_FUNCTIONS = ['now', 'millis', 'random'] as const;

/** The impure functions the expression calls (by name, without `$`), in order of appearance. */
export function impureCalls(expression: string): string[] {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return []; // not valid JSONata: validation reports it
  }
  const found: string[] = [];
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const n = node as { type?: string; value?: unknown; procedure?: { type?: string; value?: unknown } };
    if (n.type === 'function' && n.procedure?.type === 'variable') {
      const name = String(n.procedure.value);
      if ((IMPURE_FUNCTIONS as readonly string[]).includes(name) && !found.includes(name)) found.push(name);
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
  return found;
}

/** The impure functions a pipeline's transform and its function libraries call (each name once). */
export function programImpureCalls(program: JsonataProgram): string[] {
  const found: string[] = [];
  for (const text of [program.transform, ...program.libraries.map((l) => l.text)])
    for (const name of impureCalls(text)) if (!found.includes(name)) found.push(name);
  return found;
}
