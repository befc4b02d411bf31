/**
 * End-to-end: `sluice validate pipelines/` and `sluice test` on a copy of the shipped pipelines, whose
 * posting pipelines import the shared JSONata libraries in pipelines/mappings/. A syntax error in a
 * library is placed at its file:line:col, once, however many pipelines import the library.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const SHIPPED = fileURLToPath(new URL('../../pipelines', import.meta.url));
const LIBRARY = 'pipelines/mappings/sap-b1-journal-entry.jsonata';

/** Every `${env:X}` of the shipped connections file, set (validate checks that they are). */
function envOf(dir: string): NodeJS.ProcessEnv {
  const text = readFileSync(join(dir, 'pipelines/connections.yaml'), 'utf8');
  return Object.fromEntries([...text.matchAll(/\$\{env:([A-Z0-9_]+)\}/g)].map((m) => [m[1], 'x']));
}

function copyOfShipped(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir();
  cpSync(SHIPPED, join(dir, 'pipelines'), { recursive: true });
  return { dir, env: envOf(dir) };
}

interface Diag {
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
}

describe('validate with function libraries', () => {
  it('the shipped pipelines and their libraries are valid', async () => {
    const { dir, env } = copyOfShipped();
    const r = await cli(['validate', 'pipelines/'], { cwd: dir, env });
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  it('a syntax error inside a library is reported at its file:line:col, once for all pipelines that import it', async () => {
    const { dir, env } = copyOfShipped();
    const path = join(dir, LIBRARY);
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('$postJournalEntry := function($doc) {('));
    expect(at).toBeGreaterThan(0);
    // a binary operator without its right operand, in the line after the function's head
    const broken = lines[at + 1]!;
    const col = broken.lastIndexOf(';');
    lines[at + 1] = `${broken.slice(0, col)} +${broken.slice(col)}`;
    writeFileSync(path, lines.join('\n'));

    const text = await cli(['validate', 'pipelines/'], { cwd: dir, env });
    expect(text.code).toBe(2);
    const problems = text.stdout.split('\n').filter(Boolean);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${LIBRARY}:${at + 2}:${col + 3} JSONATA_SYNTAX .*;`));

    const json = await cli(['validate', '--format', 'json', 'pipelines/'], { cwd: dir, env });
    const diags = (JSON.parse(json.stdout) as { diagnostics: Diag[] }).diagnostics;
    expect(diags.map((d) => [d.file, d.line, d.col, d.code])).toEqual([[LIBRARY, at + 2, col + 3, 'JSONATA_SYNTAX']]);

    // the library's own tests and those of the pipelines that import it do not run, and say why
    const test = await cli(['test', 'pipelines/'], { cwd: dir, env });
    expect(test.code).toBe(2);
    expect(test.stderr).toMatch(new RegExp(`^${LIBRARY}:${at + 2}:${col + 3} JSONATA_SYNTAX `, 'm'));
  }, 120_000); // three CLI runs
});
