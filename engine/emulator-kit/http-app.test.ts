import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../runtime/clock.js';
import { RequestCounters } from './counters.js';
import { EventLog } from './events.js';
import { answerOf, listenEmulator, type EmulatorServer } from './http-app.js';
import { readBody, sendText } from './http-io.js';
import { Traffic, type TrafficEvent } from './traffic.js';

let running: EmulatorServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const traffic = (): Traffic => new Traffic(new EventLog<TrafficEvent>(systemClock));

describe('listenEmulator', () => {
  it('serves the handler on loopback, answers the counters route itself and counts requests in flight', async () => {
    const counters = new RequestCounters();
    running = await listenEmulator(
      async (request, incoming, res) => {
        const body = await readBody(incoming);
        counters.count(`${request.method} ${new URL(request.url).pathname}`);
        counters.record({ method: request.method, path: '/echo', query: '', status: 201 });
        sendText(res, 201, 'text/plain', `${counters.inFlight}:${body}`);
      },
      { traffic: traffic(), counters },
    );
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${running.url}/echo`, { method: 'POST', body: 'hi' });
    expect([res.status, res.headers.get('content-length'), await res.text()]).toEqual([201, '4', '1:hi']);
    const snapshot = (await (await fetch(`${running.url}/_emulator/counters`)).json()) as Record<string, unknown>;
    expect(snapshot).toEqual({ total: 1, requests: { 'POST /echo': 1 }, inFlight: 0, maxInFlight: 1 });
    expect(counters.log).toEqual([{ method: 'POST', path: '/echo', query: '', status: 201 }]);
  });

  it('answers 500 when the emulator itself fails, and closes with clients still connected', async () => {
    const t = traffic();
    running = await listenEmulator(
      (request) => (request.url.endsWith('/boom') ? Promise.reject(new Error('boom')) : Promise.resolve()),
      { traffic: t, counters: new RequestCounters() },
    );
    const res = await fetch(`${running.url}/boom`);
    expect([res.status, await res.text()]).toEqual([500, 'emulator failure: boom']);
    await running.close();
    await t.idle({ connections: true });
    running = undefined;
  });
});

describe('answerOf', () => {
  it('runs a Hono app on a request whose body was already read', async () => {
    const app = new Hono<{ Bindings: { requestId: number } }>();
    app.post('/items/:id', async (c) =>
      c.json({ id: c.req.param('id'), body: await c.req.text(), n: c.env.requestId }, 201),
    );
    const request = new Request('http://x/items/7', { method: 'POST', body: 'ignored' });
    expect(await answerOf(app, request, 'read', { requestId: 3 })).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json' },
      text: '{"id":"7","body":"read","n":3}',
    });
  });
});
