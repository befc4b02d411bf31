/** The exit code tables of docs/operations.md and docs/cli.md name exactly the codes the CLI uses (EXIT). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../engine/run/report.js';

function documentedCodes(doc: string, heading: string): number[] {
  const text = readFileSync(new URL(`../../docs/${doc}`, import.meta.url), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  expect(at, `${doc} has a section ${heading}`).toBeGreaterThan(-1);
  const section = text.slice(at + heading.length + 2);
  const rows = section
    .split('\n## ')[0]!
    .split('\n')
    .filter((l) => /^\| \d/.test(l));
  return rows.flatMap((r) =>
    r
      .split('|')[1]!
      .split(',')
      .map((c) => Number(c.trim())),
  );
}

describe('the documented exit codes', () => {
  const codes = [...new Set(Object.values(EXIT))].sort((a, b) => a - b);
  it.each([
    ['operations.md', '## Exit codes'],
    ['cli.md', '## Exit codes'],
  ])('in %s are the ones the code uses, each once', (doc, heading) => {
    const documented = documentedCodes(doc, heading);
    expect([...documented].sort((a, b) => a - b)).toEqual(codes);
  });
});
