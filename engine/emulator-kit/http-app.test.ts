import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../runtime/clock.js';
import { EventLog } from './events.js';
import { dropConnection, startEmulatorApp, type EmulatorEnv, type RunningApp } from './http-app.js';
import { Traffic, type TrafficEvent } from './traffic.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function routes(): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
  app.post('/items', (c) => c.json({ created: true }, 201));
  app.get('/lost', (c) => dropConnection(c));
  return app;
}

describe('startEmulatorApp', () => {
  it('serves the routes on a loopback port and counts every request by label', async () => {
    running = await startEmulatorApp(routes(), { label: (m, p) => `${m} ${p.split('/')[1] ?? ''}` });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${running.url}/items/7?x=1`)).json()).toEqual({ id: '7' });
    expect((await fetch(`${running.url}/items`, { method: 'POST' })).status).toBe(201);
    expect((await fetch(`${running.url}/nowhere`)).status).toBe(404);
    const counters = (await (await fetch(`${running.url}/_emulator/counters`)).json()) as Record<string, unknown>;
    expect(counters).toEqual({
      total: 3,
      requests: { 'GET items': 1, 'POST items': 1, 'GET nowhere': 1 },
      inFlight: 0,
      maxInFlight: 1,
    });
    expect(running.counters.log.map((e) => [e.method, e.path, e.query, e.status])).toEqual([
      ['GET', '/items/7', 'x=1', 200],
      ['POST', '/items', '', 201],
      ['GET', '/nowhere', '', 404],
    ]);
  });

  it('drops a connection without an answer, and closes with clients still connected', async () => {
    const traffic = new Traffic(new EventLog<TrafficEvent>(systemClock));
    running = await startEmulatorApp(routes(), { traffic });
    await expect(fetch(`${running.url}/lost`)).rejects.toThrow();
    await fetch(`${running.url}/items/1`); // a keep-alive connection stays open
    await traffic.idle({ connections: false });
    await running.close();
    await traffic.idle({ connections: true });
    running = undefined;
  });
});
