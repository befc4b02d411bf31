/**
 * `sluice state copy`: the whole state moves, both directions between SQLite and MariaDB, with
 * credentials sealed again under the destination's key; a destination with state, or a source with
 * a run in progress, is refused and nothing is copied.
 */
import { describe, expect, it } from 'vitest';
import { stateBackends } from '../../test/helpers/state-backends.js';
import { copyState } from './copy.js';
import { openStateStore, type StateStore } from './store.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const now = (): string => new Date().toISOString();

async function populate(store: StateStore, rows: number): Promise<void> {
  await store.acquireLease('vendors', 'run-1', 60_000);
  await store.runStart({ id: 'run-1', pipeline: 'vendors', command: 'run', startedAt: now() });
  const ledger = Array.from({ length: rows }, (_, i) => ({
    key: `V${i}`,
    targetId: String(1000 + i),
    payloadHash: `h${i}`,
    status: 'written' as const,
    op: 'create' as const,
    origin: 'created' as const,
  }));
  await store.commit('vendors', 'run-1', {
    ledger,
    attention: [
      { sourceKey: 'V9', stage: 'transform', code: 'TRANSFORM_FAILED', message: 'no mapping', payload: { id: 'V9' } },
    ],
    cursor: '2026-11-30T00:00:00Z',
  });
  await store.vault('concur').put('refresh', { token: 'rotated-refresh-token' });
  await store.runFinish('run-1', { status: 'succeeded', exitCode: 0, report: { ok: true } });
  await store.releaseLease('vendors', 'run-1');
}

describe.each([
  [stateBackends[0]!, stateBackends[1]!],
  [stateBackends[1]!, stateBackends[0]!],
])('state copy from $name to the other backend', (fromBackend, toBackend) => {
  it('moves ledger, cursors, attention, credentials, runs and versions; the copy works as the original', async () => {
    const a = await fromBackend.fresh();
    const b = await toBackend.fresh();
    const from = await openStateStore({ url: a.url, secretKey: KEY_A });
    const to = await openStateStore({ url: b.url, secretKey: KEY_B });
    try {
      await populate(from, 1234);
      const report = await copyState(from, to, now);
      expect(report.tables.find((t) => t.table === 'sluice_ledger')?.rows).toBe(1234);
      expect((await to.ledgerGet('vendors', ['V0', 'V1233'])).get('V1233')).toMatchObject({ targetId: '2233' });
      expect(await to.cursorGet('vendors')).toBe('2026-11-30T00:00:00Z');
      expect(await to.attentionList({ pipeline: 'vendors' })).toMatchObject([
        { sourceKey: 'V9', code: 'TRANSFORM_FAILED' },
      ]);
      expect((await to.vault('concur').get<{ token: string }>('refresh'))?.value.token).toBe('rotated-refresh-token');
      expect(await to.runList('vendors')).toMatchObject([{ id: 'run-1', status: 'succeeded', exitCode: 0 }]);
      expect(await to.pipelineVersion('vendors')).toEqual(await from.pipelineVersion('vendors'));
      expect((await to.auditList('*')).map((e) => e.action)).toContain('state-copied');
      // The copy is a working store: the next run commits on top of it.
      await to.acquireLease('vendors', 'run-2', 60_000);
      await to.commit('vendors', 'run-2', { cursor: '2026-12-01T00:00:00Z' });
      expect(await to.cursorGet('vendors')).toBe('2026-12-01T00:00:00Z');
    } finally {
      await from.close();
      await to.close();
      await a.cleanup();
      await b.cleanup();
    }
  });

  it('refuses a destination that holds state, and a source with a run in progress; nothing copied', async () => {
    const a = await fromBackend.fresh();
    const b = await toBackend.fresh();
    const from = await openStateStore({ url: a.url, secretKey: KEY_A });
    const to = await openStateStore({ url: b.url, secretKey: KEY_B });
    try {
      await populate(from, 3);
      await from.acquireLease('vendors', 'run-9', 60_000);
      await expect(copyState(from, to, now)).rejects.toMatchObject({ code: 'STATE_COPY_INVALID' });
      expect((await to.ledgerGet('vendors', ['V0'])).size).toBe(0);
      await from.releaseLease('vendors', 'run-9');
      await to.acquireLease('other', 'r', 60_000);
      await to.commit('other', 'r', { cursor: '1' });
      const err = await copyState(from, to, now).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'STATE_COPY_INVALID' });
      expect((err as Error).message).toContain('already holds state');
      expect((await to.ledgerGet('vendors', ['V0'])).size).toBe(0);
    } finally {
      await from.close();
      await to.close();
      await a.cleanup();
      await b.cleanup();
    }
  });
});
