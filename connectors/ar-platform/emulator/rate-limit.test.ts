import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startArPlatformEmulator } from './index.js';
import { RateLimiter } from './rate-limit.js';
import { call, tokenFor } from './testing.js';

describe('AR-platform rate limit', () => {
  it('allows so many calls per window, then says how long to wait', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ requests: 2, perMs: 10_000 }, clock);
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([undefined, undefined, 10]);
    clock.advance(7_500);
    expect(limiter.take()).toBe(3);
    clock.advance(2_500);
    expect(limiter.take()).toBeUndefined();
    expect(limiter.refused).toBe(2);
  });

  it('answers 429 with Retry-After over the limit and processes nothing', async () => {
    const clock = new ManualClock(Date.UTC(2024, 6, 1));
    const emu = await startArPlatformEmulator({ clock, rateLimit: { requests: 2, perMs: 1000 } });
    try {
      const token = await tokenFor(emu); // the token call counts too
      expect((await call(emu, token, 'GET', '/v1/payments?limit=1')).status).toBe(200);
      const refused = await call(emu, token, 'PUT', '/v1/customers/C3010', { name: 'K', currency: 'USD' });
      expect([refused.status, refused.headers.get('retry-after'), refused.json.error.code]).toEqual([
        429,
        '1',
        'rate_limited',
      ]);
      expect(emu.store.get('customers', 'C3010')).toBeUndefined();
      expect((await call(emu, undefined, 'GET', '/_emulator/counters')).status).toBe(200); // not limited
      clock.advance(1000);
      expect((await call(emu, token, 'PUT', '/v1/customers/C3010', { name: 'K', currency: 'USD' })).status).toBe(201);
      expect(emu.events.all('request', (e) => e.fault === 'rate-limit')).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });
});
