/** What a run checks before it contacts any system: a state store without a secret key stops it there. */
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { openStateStore } from '../state/store.js';

describe('before any system is contacted', () => {
  const h = memoryHarness();

  it.each(['run', 'plan'] as const)(
    '%s refuses a state store without a secret key: exit 2, nothing read',
    async (command) => {
      // An in-memory store has no place for a key file, like a shared MariaDB store without SLUICE_SECRET_KEY.
      const keyless = await openStateStore({ url: 'sqlite::memory:', secretKey: '' });
      try {
        const p = writePipeline(h.dir, { name: h.name() });
        const r = await session(keyless, { command, pipelinePath: p });
        expect(r.exitCode).toBe(2);
        expect(r.report.error?.code).toBe('SECRET_KEY_MISSING');
        expect(h.src.calls.read + h.dst.calls.lookup + h.dst.calls.list + h.dst.calls.write).toBe(0);
      } finally {
        await keyless.close();
      }
    },
  );
});
