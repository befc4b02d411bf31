/** One error vocabulary: every code literal the engine raises is in engine/error-codes.ts. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, REASON_CLASSES, reasonClassOf } from '../../engine/error-codes.js';

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

describe('reason classes', () => {
  it('maps every code of the catalogue to one of the six classes', () => {
    const bad = Object.entries(ERROR_CODES).filter(([, c]) => !(REASON_CLASSES as readonly string[]).includes(c));
    expect(bad).toEqual([]);
    for (const code of Object.keys(ERROR_CODES))
      expect(reasonClassOf(code)).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES]);
  });

  it('classes the codes attention sorts by as finance expects', () => {
    expect(reasonClassOf('WRITE_IN_DOUBT')).toBe('transient');
    expect(reasonClassOf('TRANSFORM_FAILED')).toBe('data');
    expect(reasonClassOf('DUPLICATE_KEY')).toBe('conflict');
    expect(reasonClassOf('TARGET_LOCKED')).toBe('locked');
    expect(reasonClassOf('AUTH_FAILED')).toBe('auth');
    expect(reasonClassOf('CONNECTION_UNKNOWN')).toBe('config');
  });

  it('classes connector codes by their shape, then by whether a retry can help', () => {
    expect(reasonClassOf('SAP_B1_PERIOD_LOCKED')).toBe('locked');
    expect(reasonClassOf('CONCUR_RATE_LIMITED')).toBe('transient');
    expect(reasonClassOf('SAP_B1_ETAG_MISMATCH')).toBe('conflict');
    expect(reasonClassOf('CONCUR_UNAUTHORIZED')).toBe('auth');
    expect(reasonClassOf('SAP_B1_NOT_SUPPORTED')).toBe('config');
    expect(reasonClassOf('SOMETHING_ODD', true)).toBe('transient');
    expect(reasonClassOf('SOMETHING_ODD')).toBe('data');
  });
});
