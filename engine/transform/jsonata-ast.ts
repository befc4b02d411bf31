/**
 * Static facts from a JSONata expression, before anything runs: syntax errors with their offset,
 * `$lookup('name', ...)` calls naming an unknown lookup, and literal string fields of a top-level
 * object constructor (so a connector can reject, say, a list code with a hyphen at validate time).
 */
import { jsonata } from './jsonata-lib.js';

export interface JsonataProblem {
  code: string;
  message: string;
  /** 0-based offset inside the expression. */
  offset: number;
}

export interface AstNode {
  type?: string;
  value?: unknown;
  position?: number;
  [k: string]: unknown;
}

/** Offset where the failing token starts; JSONata reports the offset just after it. */
export function startOffset(position: number | undefined, token: unknown): number {
  const pos = position ?? 0;
  const len = typeof token === 'string' && token !== '(end)' ? token.length : 0;
  return Math.max(0, pos - len);
}

export function parseJsonata(expr: string): { ast?: AstNode; problem?: JsonataProblem } {
  try {
    return { ast: jsonata(expr).ast() as unknown as AstNode };
  } catch (err) {
    const e = err as { code?: string; position?: number; token?: unknown; message?: string };
    return {
      problem: {
        code: 'JSONATA_SYNTAX',
        message: `JSONata ${e.code ?? 'error'}: ${e.message ?? String(err)}`,
        offset: startOffset(e.position, e.token),
      },
    };
  }
}

export function walk(node: unknown, visit: (n: AstNode) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as AstNode;
  visit(n);
  // for…in rather than Object.entries: no array per node (validate walks every transform's tree)
  for (const k in n) {
    if (k === 'position' || k === 'value' || !Object.hasOwn(n, k)) continue;
    const v = n[k];
    if (v && typeof v === 'object') walk(v, visit);
  }
}

/** `$lookup('x', …)` calls whose literal name is not among `known`. */
export function unknownLookups(ast: AstNode, known: readonly string[]): JsonataProblem[] {
  const out: JsonataProblem[] = [];
  walk(ast, (n) => {
    const proc = n.procedure as AstNode | undefined;
    if (n.type !== 'function' || proc?.type !== 'variable' || proc.value !== 'lookup') return;
    const first = (n.arguments as AstNode[] | undefined)?.[0];
    if (first?.type === 'string' && typeof first.value === 'string' && !known.includes(first.value)) {
      out.push({
        code: 'LOOKUP_UNKNOWN',
        message: `$lookup('${first.value}', …) names no lookup of this pipeline; defined: ${known.length ? known.join(', ') : '(none)'}`,
        offset: startOffset(first.position, `'${first.value}'`),
      });
    }
  });
  return out;
}

/** Literal string values of the top-level object constructor: `{ "Code": "A-B" }` → { Code: {value, offset} }. */
export function literalFields(ast: AstNode): Record<string, { value: string; offset: number }> {
  const out: Record<string, { value: string; offset: number }> = {};
  if (ast.type !== 'unary' || ast.value !== '{' || !Array.isArray(ast.lhs)) return out;
  for (const pair of ast.lhs as AstNode[][]) {
    const [k, v] = pair;
    if (k?.type === 'string' && typeof k.value === 'string' && v?.type === 'string' && typeof v.value === 'string') {
      out[k.value] = { value: v.value, offset: startOffset(v.position, `"${v.value}"`) };
    }
  }
  return out;
}
