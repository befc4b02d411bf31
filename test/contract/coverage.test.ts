/**
 * The contract check runs over every end-to-end test that talks to the emulators: such a test gets
 * them from demoEnvironment() (test/helpers/demo-env.ts), which records and checks the traffic, and
 * never starts an emulator or a demo environment of its own, which would not be checked — unless it
 * attaches each emulator it starts to checkedEmulators() (test/helpers/checked-emulators.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const E2E = join(ROOT, 'test/e2e');
const UNCHECKED = /\b(startDemoEnvironment|startConcurEmulator|startSapB1Emulator)\(/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

describe('contract check coverage', () => {
  it('every e2e pipeline test gets its emulators from demoEnvironment(), none starts its own', () => {
    const pipelines = testFiles(join(E2E, 'pipelines'));
    expect(pipelines.length).toBeGreaterThan(0);
    for (const file of pipelines)
      expect(readFileSync(file, 'utf8'), relative(ROOT, file)).toMatch(/\bdemoEnvironment\(/);
    const unchecked = testFiles(E2E).filter((f) => {
      const text = readFileSync(f, 'utf8');
      return UNCHECKED.test(text) && !/\bcheckedEmulators\(\)/.test(text);
    });
    expect(unchecked.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
