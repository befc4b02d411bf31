import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock.js';
import { EventLog } from './events.js';
import { HoldGate } from './hold.js';
import { inDoubtFault, serveInDoubt, type InDoubtFault } from './in-doubt.js';
import { Traffic, type TrafficEvent } from './traffic.js';

interface Tiny {
  url: string;
  events: EventLog<TrafficEvent>;
  traffic: Traffic;
  clock: ManualClock;
  commits: string[];
  server: Server;
}

let tiny: Tiny | undefined;
afterEach(async () => {
  tiny?.events.close();
  tiny?.server.closeAllConnections();
  await new Promise<void>((resolve) => (tiny ? tiny.server.close(() => resolve()) : resolve()));
  tiny = undefined;
});

/** A server whose only job is to commit the request body, under the fault `faultOf` picks. */
async function start(faultOf: () => InDoubtFault | undefined): Promise<Tiny> {
  const clock = new ManualClock();
  const events = new EventLog<TrafficEvent>(clock);
  const traffic = new Traffic(events);
  const commits: string[] = [];
  const server = createServer((raw, res) => {
    const exchange = traffic.open(raw, res, raw.method ?? 'GET', raw.url ?? '/');
    const handle = async (): Promise<void> => {
      const chunks: Buffer[] = [];
      for await (const c of raw) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString();
      exchange.received('', faultOf()?.kind);
      const answer = (status: number): void => exchange.answer(status, () => res.writeHead(status).end(body));
      const process = async (): Promise<number> => {
        commits.push(body);
        return 201;
      };
      const fault = faultOf();
      if (!fault) return answer(await process());
      await serveInDoubt(fault, {
        exchange,
        clock,
        process,
        answer,
        answerGatewayTimeout: (a) =>
          exchange.answer(a.status, () => res.writeHead(a.status, { 'content-type': a.contentType }).end(a.body)),
      });
    };
    handle()
      .catch(() => res.destroy())
      .finally(() => traffic.finish());
  });
  traffic.watch(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  tiny = { url: `http://127.0.0.1:${port}/x`, events, traffic, clock, commits, server };
  return tiny;
}

function send(url: string, body: string, o: { signal?: AbortSignal; agent?: Agent } = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', ...o }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('traffic events', () => {
  it('tells request (with the body in) and responded, in order, and is idle afterwards', async () => {
    const t = await start(() => undefined);
    expect(await send(t.url, 'A')).toEqual({ status: 201, text: 'A' });
    const types = [...t.events.all('request'), ...t.events.all('responded')].map((e) => [e.type, e.requestId]);
    expect(types).toEqual([
      ['request', 1],
      ['responded', 1],
    ]);
    expect(t.events.all('responded')[0]).toMatchObject({ status: 201, clientClosed: false, method: 'POST' });
    await t.traffic.idle();
    expect(t.traffic.active).toBe(0);
  });

  it('waits for the connections of a client too, when asked', async () => {
    const t = await start(() => undefined);
    const agent = new Agent({ keepAlive: true });
    await send(t.url, 'A', { agent });
    let idle = false;
    const waiting = t.traffic.idle({ connections: true }).then(() => (idle = true));
    await t.traffic.idle();
    expect(idle).toBe(false);
    agent.destroy();
    await waiting;
    expect(idle).toBe(true);
  });
});

describe('in-doubt faults', () => {
  it('delay: a client that gave up is told as aborted, and the request still commits when the delay is over', async () => {
    const t = await start(() => ({ kind: 'delay', delayMs: 60_000 }));
    const ac = new AbortController();
    const begin = t.events.mark();
    const sent = send(t.url, 'SLOW', { signal: ac.signal });
    await t.events.next('request', undefined, { since: begin });
    ac.abort();
    await expect(sent).rejects.toThrow();
    await t.events.next('aborted', undefined, { since: begin });
    expect(t.commits).toEqual([]);
    t.clock.advance(59_999);
    expect(t.commits).toEqual([]);
    const mark = t.events.mark();
    t.clock.advance(1);
    const responded = await t.events.next('responded', undefined, { since: mark });
    expect(t.commits).toEqual(['SLOW']);
    expect(responded).toMatchObject({ status: 201, clientClosed: true });
  });

  it('hold: nothing happens until release; then it commits and answers', async () => {
    const gate = new HoldGate();
    const t = await start(() => ({ kind: 'hold', gate }));
    const sent = send(t.url, 'HELD');
    await t.events.next('request', (e) => e.fault === 'hold');
    expect(gate.held).toBe(1);
    expect(t.commits).toEqual([]);
    gate.release();
    expect(await sent).toEqual({ status: 201, text: 'HELD' });
    expect(t.commits).toEqual(['HELD']);
  });

  it('hold: drop destroys the socket and processes nothing', async () => {
    const gate = new HoldGate();
    const t = await start(() => ({ kind: 'hold', gate }));
    const sent = send(t.url, 'GONE');
    await t.events.next('request');
    gate.drop();
    await expect(sent).rejects.toThrow();
    expect(t.events.all('responded')).toMatchObject([{ status: 'dropped' }]);
    expect(t.events.all('aborted')).toEqual([]);
    expect(t.commits).toEqual([]);
  });

  it('proxy-504: the proxy answers 504 with its page at afterMs; the request commits at delayMs all the same', async () => {
    const t = await start(() => ({ kind: 'proxy-504', afterMs: 100, delayMs: 300, gateway: 'nginx' }));
    const sent = send(t.url, 'LATE');
    await t.events.next('request');
    t.clock.advance(100);
    const res = await sent;
    expect(res.status).toBe(504);
    expect(res.text).toContain('504 Gateway Time-out');
    expect(t.commits).toEqual([]);
    t.clock.advance(200);
    await t.traffic.idle();
    expect(t.commits).toEqual(['LATE']);
    expect(t.events.all('responded').map((e) => e.status)).toEqual([504]);
  });

  it('drop-after-commit: commits, then destroys the socket', async () => {
    const t = await start(() => ({ kind: 'drop-after-commit' }));
    await expect(send(t.url, 'LOST')).rejects.toThrow();
    expect(t.commits).toEqual(['LOST']);
    expect(t.events.all('responded')).toMatchObject([{ status: 'dropped', clientClosed: false }]);
  });
});

describe('inDoubtFault', () => {
  const gate = new HoldGate();
  const defaults = { delayMs: 1000, gateway: 'apache' as const };

  it('maps the in-doubt kinds of a spec with the emulator’s defaults, and nothing else', () => {
    expect(inDoubtFault({ kind: 'delay' }, gate, defaults)).toEqual({ kind: 'delay', delayMs: 1000 });
    expect(inDoubtFault({ kind: 'delay', delayMs: 5 }, gate, defaults)).toEqual({ kind: 'delay', delayMs: 5 });
    expect(inDoubtFault({ kind: 'hold' }, gate, defaults)).toEqual({ kind: 'hold', gate });
    expect(inDoubtFault({ kind: 'proxy-504', afterMs: 30 }, gate, defaults)).toEqual({
      kind: 'proxy-504',
      afterMs: 30,
      delayMs: 30,
      gateway: 'apache',
    });
    expect(inDoubtFault({ kind: 'proxy-504', delayMs: 90, gateway: 'nginx' }, gate, defaults)).toEqual({
      kind: 'proxy-504',
      afterMs: 0,
      delayMs: 90,
      gateway: 'nginx',
    });
    expect(inDoubtFault({ kind: 'drop-after-commit' }, gate, defaults)).toEqual({ kind: 'drop-after-commit' });
    expect(inDoubtFault({ kind: '429' }, gate, defaults)).toBeUndefined();
  });
});
