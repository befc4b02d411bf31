import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { JSONATA_BUILTINS } from './jsonata-builtins.js';

describe("JSONata's built-in functions", () => {
  it('are exactly the functions the installed jsonata binds', () => {
    const source = readFileSync(createRequire(import.meta.url).resolve('jsonata'), 'utf8');
    const bound = [...source.matchAll(/(?:staticFrame|environment)\.bind\('([A-Za-z0-9]+)'/g)].map((m) => m[1]);
    expect(new Set(bound)).toEqual(JSONATA_BUILTINS);
  });

  it('each evaluates to a function', async () => {
    for (const name of JSONATA_BUILTINS) expect(await jsonata(`$type($${name})`).evaluate({}), name).toBe('function');
  });
});
