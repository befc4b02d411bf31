import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock.js';
import { OffsetClock } from './clock.js';

describe('offset clock', () => {
  it("is its base clock's time plus what tests advanced, and sleeps on the base clock", async () => {
    const base = new ManualClock(10_000);
    const clock = new OffsetClock(base);
    clock.advance(31 * 60_000);
    expect(clock.now()).toBe(10_000 + 31 * 60_000);
    base.advance(5);
    expect(clock.now()).toBe(10_005 + 31 * 60_000);
    const slept = clock.sleep(100);
    expect(base.sleepers).toBe(1);
    base.advance(100);
    await expect(slept).resolves.toBeUndefined();
  });
});
