/**
 * Every shipped pipeline and mapping module passes its own `.test.yaml` cases, run as a consultant
 * runs them (`sluice test pipelines/`): a change to the engine that alters what a shipped pipeline
 * produces, or the wording of an attention entry a case expects, fails here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the shipped pipelines', () => {
  it('pass every case of their .test.yaml files', async () => {
    const result = await cli(['test', 'pipelines/'], { cwd: ROOT });
    const failed = result.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failed).toEqual([]);
    expect(result.stdout).toMatch(/\b[1-9]\d* passed, 0 failed \(\d+ test file\(s\)\)/);
    expect(result.code).toBe(0);
  }, 120_000);
});
