import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../engine/errors.js';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

const je = {
  JournalEntryLines: [
    { AccountCode: '6900', Debit: 1 },
    { AccountCode: '1100', Credit: 1 },
  ],
  Reference: 'F-1',
};

describe('emulator fault injection', () => {
  let emu: SapB1Emulator;
  let c: TestClient;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
    c = testClient(emu);
    await c.login();
  });
  afterEach(async () => {
    await emu.close();
  });

  it('drop-after-commit: the entity is stored but the client gets no response', async () => {
    const fault = emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'drop-after-commit' });
    await expect(c.request('POST', 'JournalEntries', { body: je })).rejects.toThrow();
    expect(fault.hits).toBe(1);
    expect([...emu.state.JournalEntries.values()].filter((e) => e.Reference === 'F-1')).toHaveLength(1);
    expect((await c.request('POST', 'JournalEntries', { body: je })).status).toBe(201);
  });

  it('drop: nothing is processed', async () => {
    emu.faults.add({ path: 'JournalEntries', kind: 'drop' });
    await expect(c.request('POST', 'JournalEntries', { body: je })).rejects.toThrow();
    expect([...emu.state.JournalEntries.values()].some((e) => e.Reference === 'F-1')).toBe(false);
  });

  it('500 with an empty body, 502 with the Apache HTML page; each fires `times` times', async () => {
    emu.faults.add({ path: 'Projects', kind: '500', times: 2 });
    expect((await c.request('GET', 'Projects')).status).toBe(500);
    const second = await c.request('GET', 'Projects');
    expect(second.status).toBe(500);
    expect(second.text).toBe('');
    expect((await c.request('GET', 'Projects')).status).toBe(200);
    emu.faults.add({ path: /\$filter=.*Code/, kind: '502-html' });
    const html = await c.request('GET', "Projects?$filter=Code eq 'P1001'");
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.text).toMatch(/Proxy Error/);
  });

  it('matches by method and by resource prefix, not by longer names', async () => {
    emu.faults.add({ method: 'POST', path: 'Projects', kind: '500', times: Infinity });
    expect((await c.request('GET', 'Projects')).status).toBe(200);
    expect((await c.request('GET', "Projects('P1001')")).status).toBe(200);
    expect((await c.request('POST', 'Projects', { body: { Code: 'PX', Name: 'x' } })).status).toBe(500);
    emu.faults.clear();
    emu.faults.add({ path: 'Project', kind: '500' });
    expect((await c.request('GET', 'Projects')).status).toBe(200);
  });

  it("expire-session ends the caller's session just before the request", async () => {
    emu.faults.add({ path: 'Dimensions', kind: 'expire-session' });
    expect((await c.request('GET', 'Dimensions')).status).toBe(401);
    await c.login();
    expect((await c.request('GET', 'Dimensions')).status).toBe(200);
  });

  it("error answers a Service Layer error of the given status and code in the version's shape", async () => {
    emu.faults.add({ path: 'Projects', kind: 'error', status: 503, code: -1, message: 'Service Unavailable' });
    const res = await c.request('GET', 'Projects');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: { code: '-1', message: 'Service Unavailable' } });
  });

  it('counts requests per method and resource and logs them', async () => {
    await c.request('GET', 'Projects');
    await c.request('GET', "Projects('P1001')");
    await c.request('GET', 'Projects/$count');
    expect(emu.counters.requests).toMatchObject({ 'POST Login': 1, 'GET Projects': 2, 'GET Projects/$count': 1 });
    expect(emu.counters.log.at(-1)).toMatchObject({
      method: 'GET',
      path: 'Projects/$count',
      status: 200,
      version: 'v2',
    });
    emu.counters.reset();
    expect(emu.counters.total).toBe(0);
  });

  it('answers Login sent with Expect: 100-continue with an empty 500', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${emu.url}/b1s/v2/Login`,
        { method: 'POST', headers: { expect: '100-continue', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(500);
  });
});

describe('emulator faults for writes whose outcome is unknown (on a manual clock)', () => {
  let clock: ManualClock;
  let emu: SapB1Emulator;
  let c: TestClient;
  const stored = (ref: string) => [...emu.state.JournalEntries.values()].filter((e) => e.Reference === ref);
  beforeEach(async () => {
    clock = new ManualClock();
    emu = await startSapB1Emulator({ clock });
    c = testClient(emu);
    await c.login();
  });
  afterEach(async () => {
    await emu.close();
  });

  it('delay waits delayMs of emulator time, then processes', async () => {
    emu.faults.add({ path: 'Dimensions', kind: 'delay', delayMs: 60_000 });
    const mark = emu.events.mark();
    const sent = c.request('GET', 'Dimensions');
    const received = await emu.events.next('request', (e) => e.fault === 'delay', { since: mark });
    clock.advance(59_999);
    expect(clock.sleepers).toBe(1); // still waiting
    clock.advance(1);
    expect((await sent).status).toBe(200);
    const responded = await emu.events.next('responded', (e) => e.requestId === received.requestId, { since: mark });
    expect(responded.at - received.at).toBe(60_000);
  });

  it('a slow request keeps processing and commits after the client timed out and closed its socket', async () => {
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'delay', delayMs: 60_000 });
    const mark = emu.events.mark();
    const timeout = new AbortController();
    const sent = c.request('POST', 'JournalEntries', { body: je, signal: timeout.signal });
    const received = await emu.events.next('request', (e) => e.path === 'JournalEntries', { since: mark });
    timeout.abort(); // the client gives up and closes its connection
    await expect(sent).rejects.toThrow();
    await emu.events.next('aborted', (e) => e.requestId === received.requestId, { since: mark });
    expect(stored('F-1')).toHaveLength(0);
    clock.advance(60_000);
    const committed = await emu.events.next('committed', (e) => e.entitySet === 'JournalEntries', { since: mark });
    expect(committed).toMatchObject({ requestId: received.requestId, ids: [4], writes: [{ method: 'POST' }] });
    expect(committed.writes[0]?.entity?.Reference).toBe('F-1');
    expect(stored('F-1')).toHaveLength(1);
    const responded = await emu.events.next('responded', (e) => e.requestId === received.requestId, { since: mark });
    expect(responded).toMatchObject({ status: 201, clientClosed: true });
  });

  it('hold: the request is received, and committed and answered only when the test releases it', async () => {
    const fault = emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'hold' });
    const mark = emu.events.mark();
    const sent = c.request('POST', 'JournalEntries', { body: je });
    const received = await emu.events.next('request', (e) => e.fault === 'hold', { since: mark });
    expect(fault.held).toBe(1);
    expect(stored('F-1')).toHaveLength(0);
    fault.release();
    expect((await sent).status).toBe(201);
    const [committed] = emu.events.all('committed', (e) => e.requestId === received.requestId);
    const [responded] = emu.events.all('responded', (e) => e.requestId === received.requestId);
    expect(committed!.seq).toBeLessThan(responded!.seq);
    expect(stored('F-1')).toHaveLength(1);
    expect(() => emu.faults.add({ path: 'Projects', kind: '500' }).release()).toThrow(ConfigError);
  });

  it('hold: drop destroys the socket and processes nothing', async () => {
    const fault = emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'hold' });
    const mark = emu.events.mark();
    const sent = c.request('POST', 'JournalEntries', { body: je });
    const received = await emu.events.next('request', (e) => e.fault === 'hold', { since: mark });
    fault.drop();
    await expect(sent).rejects.toThrow();
    expect(emu.events.all('responded', (e) => e.requestId === received.requestId)).toMatchObject([
      { status: 'dropped' },
    ]);
    expect(emu.events.all('committed', undefined, mark)).toEqual([]);
    expect(stored('F-1')).toHaveLength(0);
  });

  it('proxy-504: Apache answers 504 after afterMs while the Service Layer commits at delayMs', async () => {
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'proxy-504', afterMs: 30_000, delayMs: 90_000 });
    const mark = emu.events.mark();
    const sent = c.request('POST', 'JournalEntries', { body: je });
    const received = await emu.events.next('request', (e) => e.fault === 'proxy-504', { since: mark });
    clock.advance(30_000);
    const res = await sent;
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('<title>504 Gateway Timeout</title>');
    expect(stored('F-1')).toHaveLength(0);
    clock.advance(60_000);
    const committed = await emu.events.next('committed', (e) => e.entitySet === 'JournalEntries', { since: mark });
    expect(committed.at - received.at).toBe(90_000);
    expect(stored('F-1')).toHaveLength(1);
    await emu.idle();
    expect(emu.events.all('responded', (e) => e.path === 'JournalEntries', mark).map((e) => e.status)).toEqual([504]);
    expect(emu.counters.log.at(-1)).toMatchObject({ path: 'JournalEntries', status: 201 });
  });

  it('closing the emulator drops held requests and ends waits still pending', async () => {
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'hold' });
    const sent = c.request('POST', 'JournalEntries', { body: je });
    await emu.events.next('request', (e) => e.fault === 'hold');
    const never = expect(emu.events.next('committed')).rejects.toMatchObject({ code: 'EMULATOR_CLOSED' });
    await emu.close();
    await expect(sent).rejects.toThrow();
    await never;
    expect(stored('F-1')).toHaveLength(0);
  });
});
