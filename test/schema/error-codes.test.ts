/** One error vocabulary: every code literal the engine raises is in engine/error-codes.ts. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../engine/error-codes.js';

const ROOT = new URL('../../engine/', import.meta.url).pathname;
const PATTERNS = [
  /Error\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /\bcode: '([A-Z][A-Z0-9_]+)'/g,
  /refuse\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /\bat\([^)]*?'([A-Z][A-Z0-9_]+)'/g,
];

/** Node's errno codes (EISDIR, ENOENT) set on file-system errors are not ours. */
const ERRNO = /^E[A-Z]{3,}$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('error catalogue', () => {
  it('lists every code literal raised under engine/', () => {
    const missing: string[] = [];
    for (const file of sources(ROOT)) {
      const text = readFileSync(file, 'utf8');
      for (const re of PATTERNS)
        for (const m of text.matchAll(re))
          if (!(m[1]! in ERROR_CODES) && !ERRNO.test(m[1]!)) missing.push(`${relative(ROOT, file)}: ${m[1]}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('finds the codes it looks for (the scan itself works)', () => {
    const text = readFileSync(join(ROOT, 'run', 'stale.ts'), 'utf8');
    expect([...text.matchAll(PATTERNS[0]!)].map((m) => m[1])).toContain('PLAN_STALE');
  });
});
