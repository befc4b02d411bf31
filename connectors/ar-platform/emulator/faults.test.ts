import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startArPlatformEmulator, type ArPlatformEmulator } from './index.js';
import { call, tokenFor } from './testing.js';

const customer = { name: 'Kestrel Optics', currency: 'USD' };

describe('AR-platform emulator faults', () => {
  let emu: ArPlatformEmulator;
  let clock: ManualClock;
  let token: string;
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2024, 6, 1, 12, 0, 0));
    emu = await startArPlatformEmulator({ clock });
    token = await tokenFor(emu);
  });
  afterEach(async () => {
    await emu.close();
  });

  it('429 with Retry-After, 500 and 503 answer without processing', async () => {
    emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: '429', retryAfterSeconds: 7 });
    emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: '500' });
    emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: '503', retryAfterSeconds: 3 });
    const limited = await call(emu, token, 'PUT', '/v1/customers/C3010', customer);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json.error.code).toBe('rate_limited');
    expect((await call(emu, token, 'PUT', '/v1/customers/C3010', customer)).status).toBe(500);
    const unavailable = await call(emu, token, 'PUT', '/v1/customers/C3010', customer);
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '3']);
    expect(emu.store.get('customers', 'C3010')).toBeUndefined();
    expect((await call(emu, token, 'PUT', '/v1/customers/C3010', customer)).status).toBe(201);
  });

  it('drop loses the request; drop-after-commit and 500-after-commit lose only the answer', async () => {
    emu.faults.add({ method: 'PUT', path: '/v1/customers/C3010', kind: 'drop' });
    await expect(call(emu, token, 'PUT', '/v1/customers/C3010', customer)).rejects.toThrow();
    expect(emu.store.get('customers', 'C3010')).toBeUndefined();

    emu.faults.add({ method: 'PUT', path: '/v1/customers/C3010', kind: 'drop-after-commit' });
    await expect(call(emu, token, 'PUT', '/v1/customers/C3010', customer)).rejects.toThrow();
    expect(emu.store.get('customers', 'C3010')).toMatchObject({ name: 'Kestrel Optics' });
    expect(emu.events.all('responded', (e) => e.path === '/v1/customers/C3010').map((e) => e.status)).toEqual([
      'dropped',
      'dropped',
    ]);

    emu.faults.add({ method: 'PUT', path: /\/v1\/invoices\/30$/, kind: '500-after-commit' });
    const res = await call(emu, token, 'PUT', '/v1/invoices/30', {
      number: '1',
      customerExternalId: 'C3010',
      currency: 'USD',
      amount: 5,
      openAmount: 5,
      issueDate: '2024-07-01',
      dueDate: '2024-07-31',
    });
    expect(res.status).toBe(500);
    expect(emu.store.get('invoices', '30')).toMatchObject({ amount: 5 });
  });

  it('a slow request still commits after the client gave up', async () => {
    emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: 'delay', delayMs: 30_000 });
    const mark = emu.events.mark();
    const abort = new AbortController();
    const sent = call(emu, token, 'PUT', '/v1/customers/C3010', customer, abort.signal);
    await emu.events.next('request', (e) => e.fault === 'delay', { since: mark });
    abort.abort();
    await expect(sent).rejects.toThrow();
    await emu.events.next('aborted', undefined, { since: mark });
    expect(emu.store.get('customers', 'C3010')).toBeUndefined();
    clock.advance(30_000);
    const committed = await emu.events.next('committed', (e) => e.resource === 'customers', { since: mark });
    expect(committed.ids).toEqual(['C3010']);
    const responded = await emu.events.next('responded', undefined, { since: mark });
    expect(responded).toMatchObject({ status: 201, clientClosed: true });
  });

  it('hold waits for the test: release commits and answers, drop processes nothing', async () => {
    const hold = emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: 'hold', times: 2 });
    const mark = emu.events.mark();
    const first = call(emu, token, 'PUT', '/v1/customers/C3010', customer);
    await emu.events.next('request', (e) => e.fault === 'hold', { since: mark });
    expect(hold.held).toBe(1);
    hold.release();
    expect((await first).status).toBe(201);
    const other = emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: 'hold' });
    hold.remove();
    const second = call(emu, token, 'PUT', '/v1/customers/C3011', customer);
    other.drop();
    await expect(second).rejects.toThrow();
    expect(emu.store.get('customers', 'C3011')).toBeUndefined();
    expect(() => emu.faults.add({ path: '/', kind: '429' }).release()).toThrow(/for hold faults/);
  });

  it('a proxy 504 while the platform still commits', async () => {
    emu.faults.add({ method: 'PUT', path: '/v1/customers', kind: 'proxy-504', afterMs: 0, delayMs: 5000 });
    const mark = emu.events.mark();
    const res = await fetch(`${emu.url}/v1/customers/C3010`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(customer),
    });
    expect(res.status).toBe(504);
    expect(await res.text()).toContain('504 Gateway Time-out');
    expect(emu.store.get('customers', 'C3010')).toBeUndefined();
    clock.advance(5000);
    await emu.events.next('committed', undefined, { since: mark });
    expect(emu.store.get('customers', 'C3010')).toBeDefined();
  });

  it('expire-token: the request finds its token expired (401, nothing done); a new token works', async () => {
    emu.faults.add({ path: '/v1/customers', kind: 'expire-token' });
    const res = await call(emu, token, 'PUT', '/v1/customers/C3010', customer);
    expect([res.status, res.json.error.code]).toEqual([401, 'token_expired']);
    expect(emu.store.get('customers', 'C3010')).toBeUndefined();
    expect((await call(emu, await tokenFor(emu), 'PUT', '/v1/customers/C3010', customer)).status).toBe(201);
  });

  it('refuses unknown fault kinds', () => {
    expect(() => emu.faults.add({ path: '/', kind: 'boom' as never })).toThrow(/unknown fault kind boom/);
  });
});
