import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('delay slows a response down by delayMs', async () => {
    emu.faults.add({ path: 'Dimensions', kind: 'delay', delayMs: 60 });
    const started = Date.now();
    expect((await c.request('GET', 'Dimensions')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
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
