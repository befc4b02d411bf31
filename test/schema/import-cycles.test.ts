/**
 * No import cycles between modules (DESIGN: lint forbids them). Runtime imports only: `import type`
 * is erased by the compiler and cannot form a cycle at run time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Relative runtime imports and re-exports of a module, resolved to .ts files. */
export function runtimeImports(file: string, text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(?!type\b)([^'";]*?\bfrom\s+)?['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const clause = m[2] ?? '';
    if (/^\{\s*(type\s+[\w$]+\s*,?\s*)+\}\s*from\s+$/.test(clause.trim() + ' ')) continue; // only `type` names
    out.push(resolve(dirname(file), m[3]!.replace(/\.js$/, '.ts')));
  }
  return out;
}

function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('finds a cycle when there is one (the check itself works)', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['b', 'a']]);
    expect(
      runtimeImports(
        '/x/a.ts',
        "import type { T } from './t.js';\nimport { type U } from './u.js';\nimport { v } from './v.js';\nexport { w } from './w.js';",
      ),
    ).toEqual(['/x/v.ts', '/x/w.ts']);
  });

  it('app/, engine/, connectors/ and test/ modules form no runtime import cycle', () => {
    const files = ['app', 'engine', 'connectors', 'test'].flatMap((d) => sources(join(root, d)));
    const graph = new Map(files.map((f) => [f, runtimeImports(f, readFileSync(f, 'utf8'))]));
    const found = cycles(graph).map((scc) =>
      scc
        .map((f) => relative(root, f))
        .sort()
        .join(' <-> '),
    );
    expect(found).toEqual([]);
  });
});
