import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startConcurEmulator, type ConcurEmulator } from './index.js';
import { api, companyToken, newUserBody } from './test-client.js';

const VENDOR = {
  VendorCode: 'V9001',
  AddressCode: 'MAIN',
  VendorName: 'Late Co',
  CountryCode: 'US',
  CurrencyCode: 'USD',
};
const bulkUser = (emu: ConcurEmulator, userName: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
  Operations: [{ method: 'POST', path: '/Users', bulkId: 'b1', data: newUserBody(emu, userName) }],
});

describe('concur emulator events and in-doubt faults (on a manual clock)', () => {
  let clock: ManualClock;
  let emu: ConcurEmulator;
  let token: string;
  let projects: string;
  beforeEach(async () => {
    clock = new ManualClock();
    emu = await startConcurEmulator({ clock });
    token = (await companyToken(emu)).access;
    projects = emu.state.listByName('Projects')!.id;
  });
  afterEach(async () => {
    await emu.close();
  });

  it('tells what list bulk, vendors and user provisioning committed, with keys and ids', async () => {
    const mark = emu.events.mark();
    await api(emu, token, 'POST', `/list/v4/lists/${projects}/bulk`, {
      requests: [
        { shortCode: 'EV1', value: 'One' },
        { shortCode: 'BAD-CODE', value: 'Refused' },
      ],
    });
    await api(emu, token, 'POST', '/api/v3.1/invoice/vendors', { Vendor: [VENDOR] });
    await api(emu, token, 'POST', '/profile/v4/Bulk', bulkUser(emu, 'ev.user@northwind.example'));
    await api(emu, token, 'POST', `/list/v4/lists/${projects}/bulk`, {
      requests: [{ shortCode: 'BAD-1', value: 'x' }],
    });
    const committed = emu.events.all('committed', undefined, mark);
    expect(committed.map((e) => [e.resource, e.method, e.keys])).toEqual([
      ['list-items', 'POST', ['EV1']],
      ['vendors', 'POST', ['V9001|MAIN']],
      ['users', 'POST', ['ev.user@northwind.example']],
    ]);
    expect(committed[0]).toMatchObject({ listId: projects, ids: [emu.state.itemByCode(projects, 'EV1')!.id] });
    expect(committed[1]?.ids).toEqual([String(emu.state.vendors.get('V9001|MAIN')!.ID)]);
    expect(committed[2]?.ids).toEqual([String(emu.state.userByName('ev.user@northwind.example')!.id)]);
    const [request] = emu.events.all('request', (e) => e.path.endsWith('/bulk'), mark);
    expect(committed[0]?.requestId).toBe(request?.requestId);
  });

  it('delay waits delayMs of emulator time, then answers', async () => {
    emu.faults.add({ path: '/list/v4/lists', kind: 'delay', delayMs: 60_000 });
    const mark = emu.events.mark();
    const sent = api(emu, token, 'GET', '/list/v4/lists');
    const received = await emu.events.next('request', (e) => e.fault === 'delay', { since: mark });
    clock.advance(59_999);
    expect(clock.sleepers).toBe(1);
    clock.advance(1);
    expect((await sent).status).toBe(200);
    const responded = await emu.events.next('responded', (e) => e.requestId === received.requestId, { since: mark });
    expect(responded.at - received.at).toBe(60_000);
  });

  it('a slow list bulk keeps processing and commits after the client timed out and closed its socket', async () => {
    emu.faults.add({ method: 'POST', path: '/list/v4/lists', kind: 'delay', delayMs: 60_000 });
    const mark = emu.events.mark();
    const timeout = new AbortController();
    const body = { requests: [{ shortCode: 'SLOW1', value: 'Slow' }] };
    const sent = api(emu, token, 'POST', `/list/v4/lists/${projects}/bulk`, body, timeout.signal);
    const received = await emu.events.next('request', (e) => e.fault === 'delay', { since: mark });
    timeout.abort();
    await expect(sent).rejects.toThrow();
    await emu.events.next('aborted', (e) => e.requestId === received.requestId, { since: mark });
    expect(emu.state.itemByCode(projects, 'SLOW1')).toBeUndefined();
    clock.advance(60_000);
    const committed = await emu.events.next('committed', (e) => e.resource === 'list-items', { since: mark });
    expect(committed.keys).toEqual(['SLOW1']);
    expect(emu.state.itemByCode(projects, 'SLOW1')?.value).toBe('Slow');
    const responded = await emu.events.next('responded', (e) => e.requestId === received.requestId, { since: mark });
    expect(responded).toMatchObject({ status: 201, clientClosed: true });
  });

  it('hold on SCIM bulk: nothing is provisioned until release; drop provisions nothing', async () => {
    const held = emu.faults.add({ method: 'POST', path: '/profile/v4/Bulk', kind: 'hold' });
    let mark = emu.events.mark();
    const sent = api(emu, token, 'POST', '/profile/v4/Bulk', bulkUser(emu, 'held.user@northwind.example'));
    await emu.events.next('request', (e) => e.fault === 'hold', { since: mark });
    expect(held.held).toBe(1);
    expect(emu.state.userByName('held.user@northwind.example')).toBeUndefined();
    held.release();
    expect((await sent).status).toBe(202);
    expect(emu.state.userByName('held.user@northwind.example')).toBeDefined();

    const dropped = emu.faults.add({ method: 'POST', path: '/profile/v4/Users', kind: 'hold' });
    mark = emu.events.mark();
    const single = api(emu, token, 'POST', '/profile/v4/Users', newUserBody(emu, 'gone.user@northwind.example'));
    await emu.events.next('request', (e) => e.fault === 'hold', { since: mark });
    dropped.drop();
    await expect(single).rejects.toThrow();
    expect(emu.state.userByName('gone.user@northwind.example')).toBeUndefined();
    expect(emu.events.all('committed', undefined, mark)).toEqual([]);
    expect(emu.find({ path: '/profile/v4/Users' }).at(-1)).toMatchObject({ dropped: true, fault: 'hold', status: 0 });
  });

  it('proxy-504 on vendors: the gateway answers 504 after afterMs, the vendor is committed at delayMs', async () => {
    emu.faults.add({
      method: 'POST',
      path: '/api/v3.1/invoice/vendors',
      kind: 'proxy-504',
      afterMs: 30_000,
      delayMs: 45_000,
    });
    const mark = emu.events.mark();
    const sent = api(emu, token, 'POST', '/api/v3.1/invoice/vendors', { Vendor: [VENDOR] });
    await emu.events.next('request', (e) => e.fault === 'proxy-504', { since: mark });
    clock.advance(30_000);
    const res = await sent;
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('504 Gateway Time-out');
    expect(emu.state.vendors.has('V9001|MAIN')).toBe(false);
    clock.advance(15_000);
    await emu.events.next('committed', (e) => e.resource === 'vendors', { since: mark });
    await emu.idle();
    expect(emu.state.vendors.has('V9001|MAIN')).toBe(true);
    expect(emu.find({ path: '/api/v3.1/invoice/vendors', method: 'POST' }).at(-1)).toMatchObject({
      status: 504,
      committedStatus: 200,
      fault: 'proxy-504',
    });
  });

  it('lets access tokens lapse by their lifetime on emulator time', async () => {
    clock.advance(3_599_999);
    expect((await api(emu, token, 'GET', '/list/v4/lists')).status).toBe(200);
    clock.advance(1);
    expect((await api(emu, token, 'GET', '/list/v4/lists')).status).toBe(401);
  });
});
