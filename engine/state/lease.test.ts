import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { LeaseHeldError } from '../errors.js';
import { ManualClock } from '../runtime/clock.js';
import { openStateStore, type StateStore } from './store.js';

const SECRET = 'a'.repeat(64);
/** A pid no process has (above the kernel's pid_max). */
const GONE_PID = 2 ** 22 + 7;

describe.each(stateBackends)('leases on $name', (backend) => {
  let fresh: FreshStore;
  let stores: StateStore[];
  let store: StateStore;
  beforeAll(async () => {
    fresh = await backend.fresh();
    store = await openStateStore({ url: fresh.url, secretKey: SECRET });
    // separate store instances, as separate processes have (each with its own connections)
    stores = await Promise.all(Array.from({ length: 8 }, () => openStateStore({ url: fresh.url, secretKey: SECRET })));
  });
  afterAll(async () => {
    await Promise.all([store, ...stores].map((s) => s.close()));
    await fresh.cleanup();
  });

  /** Every store tries to take `pipeline`'s lease at the same moment; returns the winner and the refusals. */
  async function race(pipeline: string): Promise<{ winner: string; refused: unknown[] }> {
    const results = await Promise.allSettled(
      stores.map((s, i) => s.acquireLease(pipeline, `${pipeline}-run-${i}`, 60_000)),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [`${pipeline}-run-${i}`] : []));
    expect(won).toHaveLength(1);
    return { winner: won[0]!, refused: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])) };
  }

  function expectHeldBy(refused: unknown[], winner: string): void {
    expect(refused).toHaveLength(stores.length - 1);
    for (const err of refused) {
      expect(err).toBeInstanceOf(LeaseHeldError);
      expect(err).toMatchObject({ code: 'LEASE_HELD', held: { holder: winner, host: hostname(), pid: process.pid } });
      expect((err as Error).message).toContain(winner);
    }
  }

  it('when eight take a lease that has no row yet, exactly one wins and the others are told who', async () => {
    for (let round = 0; round < 5; round++) {
      const pipeline = `race-new-${round}`;
      const { winner, refused } = await race(pipeline);
      expectHeldBy(refused, winner);
      expect(await store.leaseHolder(pipeline)).toMatchObject({ holder: winner });
    }
  });

  it.each([
    { reason: 'expired', row: { pid: process.pid, expires_at: '2000-01-01T00:00:00.000Z' } },
    { reason: 'process-gone', row: { pid: GONE_PID, expires_at: '2999-01-01T00:00:00.000Z' } },
  ])(
    'when eight take over a lease whose holder is $reason, exactly one wins, audited once',
    async ({ reason, row }) => {
      const pipeline = `race-${reason}`;
      await store.knex('sluice_leases').insert({
        pipeline,
        holder: 'dead-run',
        host: hostname(),
        acquired_at: '2000-01-01T00:00:00.000Z',
        ...row,
      });
      const { winner, refused } = await race(pipeline);
      expectHeldBy(refused, winner);
      const audit = await store.auditList(pipeline);
      expect(audit.map((a) => a.action)).toEqual(['lease-expired-taken']);
      expect(JSON.parse(audit[0]!.detail)).toMatchObject({
        reason,
        previous: { holder: 'dead-run' },
        by: { holder: winner, pid: process.pid },
      });
    },
  );

  it('takes lease times from the injected clock; renewing fails once another run took the lease over', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
    const timed = await openStateStore({ url: fresh.url, secretKey: SECRET, clock });
    try {
      await timed.acquireLease('clocked', 'run-old', 60_000);
      expect(await timed.leaseHolder('clocked')).toMatchObject({
        acquiredAt: '2026-03-01T08:00:00.000Z',
        expiresAt: '2026-03-01T08:01:00.000Z',
      });
      clock.advance(30_000);
      expect(await timed.renewLease('clocked', 'run-old', 60_000)).toBe(true);
      expect(await timed.leaseHolder('clocked')).toMatchObject({ expiresAt: '2026-03-01T08:01:30.000Z' });
      // renewing again at the same instant changes nothing and still holds
      expect(await timed.renewLease('clocked', 'run-old', 60_000)).toBe(true);
      // still live at 08:01:29, not without --force
      clock.advance(59_000);
      await expect(timed.acquireLease('clocked', 'run-new', 60_000)).rejects.toBeInstanceOf(LeaseHeldError);
      clock.advance(1_000);
      await timed.acquireLease('clocked', 'run-new', 60_000);
      expect(await timed.renewLease('clocked', 'run-old', 60_000)).toBe(false);
      await expect(timed.commit('clocked', 'run-old', { cursor: 'x' })).rejects.toMatchObject({ code: 'LEASE_LOST' });
      await timed.commit('clocked', 'run-new', { cursor: 'y' });
      expect(await timed.cursorGet('clocked')).toBe('y');
      expect((await timed.auditList('clocked')).map((a) => [a.at, a.action])).toEqual([
        ['2026-03-01T08:01:30.000Z', 'lease-expired-taken'],
      ]);
    } finally {
      await timed.close();
    }
  });

  it('renewing fails after the lease was broken with --force or released', async () => {
    await store.acquireLease('renew', 'run-a', 60_000);
    expect(await store.renewLease('renew', 'run-a', 60_000)).toBe(true);
    await stores[0]!.acquireLease('renew', 'run-b', 60_000, true);
    expect(await store.renewLease('renew', 'run-a', 60_000)).toBe(false);
    expect((await store.auditList('renew')).map((a) => a.action)).toEqual(['lease-broken']);
    await store.releaseLease('renew', 'run-b');
    expect(await store.renewLease('renew', 'run-b', 60_000)).toBe(false);
    expect(await store.leaseHolder('renew')).toBeUndefined();
  });

  it('taking a lease it already holds succeeds without an audit entry', async () => {
    await store.acquireLease('again', 'run-a', 60_000);
    await store.acquireLease('again', 'run-a', 60_000);
    expect(await store.auditList('again')).toEqual([]);
  });
});
