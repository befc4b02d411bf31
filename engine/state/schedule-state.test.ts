import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateBackends, type FreshStore } from '../../test/helpers/state-backends.js';
import { ManualClock } from '../runtime/clock.js';
import { openStateStore, type StateStore } from './store.js';

describe.each(stateBackends)('schedule ticks, alert state and attention counts on $name', (backend) => {
  let fresh: FreshStore;
  let a: StateStore;
  let b: StateStore;
  const clock = new ManualClock(Date.UTC(2026, 4, 2, 3, 0, 0));
  beforeAll(async () => {
    fresh = await backend.fresh();
    a = await openStateStore({ url: fresh.url, secretKey: 'a'.repeat(64), clock });
    b = await openStateStore({ url: fresh.url, secretKey: 'a'.repeat(64), clock });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await fresh.cleanup();
  });

  it('gives each tick of a pipeline to exactly one of the schedulers claiming it at once', async () => {
    const tick = '2026-05-02T03:00:00.000Z';
    const claims = await Promise.all([
      a.claimTick('p', tick, 'sched-a'),
      b.claimTick('p', tick, 'sched-b'),
      a.claimTick('p', tick, 'sched-c'),
      b.claimTick('p', tick, 'sched-d'),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ['sched-a', 'sched-b', 'sched-c', 'sched-d'][claims.indexOf(true)]!;
    expect(await a.claimTick('p', tick, winner)).toBe(true); // asking again is still yes
    expect(await b.claimTick('q', tick, 'sched-b')).toBe(true); // another pipeline's tick is its own
    clock.advance(8 * 86_400_000);
    expect(await a.pruneTicks(new Date(clock.now() - 7 * 86_400_000).toISOString())).toBe(2);
  });

  it('reports an alert condition change once, to one caller, and not a first healthy state', async () => {
    const key = { pipeline: 'p', rule: 'r1', condition: 'failed' as const };
    expect(await a.alertTransition(key, false)).toBe(false); // first seen, healthy: nothing to say
    const firing = await Promise.all([a.alertTransition(key, true, 'run-1'), b.alertTransition(key, true, 'run-1')]);
    expect(firing.sort()).toEqual([false, true]);
    expect(await a.alertTransition(key, true, 'run-2')).toBe(false); // still failing: no repeat
    expect(await b.alertTransition(key, false, 'run-3')).toBe(true); // recovered: one notification
    expect(await a.alertTransition(key, false, 'run-4')).toBe(false);

    const stale = { pipeline: 'p', rule: 'r1', condition: 'stale' as const };
    expect(await a.alertTransition(stale, true)).toBe(true); // first seen, active: notify
    await a.alertRevert(stale, true); // the webhook could not be reached
    expect(await b.alertTransition(stale, true)).toBe(true); // so the next evaluation tries again
    expect(await a.alertStates('p')).toEqual([
      { pipeline: 'p', rule: 'r1', condition: 'failed', active: false },
      { pipeline: 'p', rule: 'r1', condition: 'stale', active: true },
    ]);
  });

  it('counts open and re-sync attention by reason class', async () => {
    const row = (key: string, code: string, status: string, reasonClass: string | null) => ({
      pipeline: 'p',
      source_key: key,
      stage: 'transform',
      code,
      message: 'm',
      status,
      run_id: 'r',
      first_seen: 'x',
      last_seen: 'x',
      reason_class: reasonClass,
    });
    await a
      .knex('sluice_attention')
      .insert([
        row('k1', 'TRANSFORM_FAILED', 'open', 'data'),
        row('k2', 'TRANSFORM_FAILED', 'resync', 'data'),
        row('k3', 'WRITE_IN_DOUBT', 'open', 'transient'),
        row('k4', 'TARGET_LOCKED', 'resolved', 'locked'),
        row('k5', 'SOMETHING', 'open', 'conflict'),
      ]);
    expect(await a.attentionByClass('p')).toEqual({ data: 2, transient: 1, conflict: 1 });
    expect(await a.attentionByClass('none')).toEqual({});
  });
});
