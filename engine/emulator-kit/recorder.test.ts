import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock.js';
import { EventLog } from './events.js';
import { redactBody, wireRequestHeaders, type WireExchange } from './recorder.js';
import { Traffic, type TrafficEvent } from './traffic.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server on the kit's Traffic: reads the body, tells `received`, answers (or drops `/drop`). */
async function start(traffic: Traffic): Promise<string> {
  server = createServer((req, res) => {
    const exchange = traffic.open(req, res, req.method ?? 'GET', req.url ?? '/');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      exchange.received('', undefined, Buffer.concat(chunks).toString('utf8'));
      if (req.url === '/drop') exchange.drop();
      else
        exchange.answer(201, () => {
          res.setHeader('location', '/things(1)');
          res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['B1SESSION=abc;HttpOnly;'] });
          res.write('{"id":1,');
          res.end('"access_token":"t"}');
        });
      traffic.finish();
    });
  });
  traffic.watch(server);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function send(url: string, body: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end(body);
  });
}

describe('traffic recorder', () => {
  it('records each exchange as it went over the wire, with secrets redacted, and drops without an answer', async () => {
    const clock = new ManualClock(1_000);
    const traffic = new Traffic(new EventLog<TrafficEvent>(clock), () => clock.now());
    const seen: WireExchange[] = [];
    const detach = traffic.record((x) => seen.push(x));
    const base = await start(traffic);
    await send(`${base}/things?a=%20b`, '{"Password":"secret","Name":"x"}', {
      'content-type': 'application/json',
      authorization: 'Bearer abc.def',
      cookie: 'B1SESSION=abc; ROUTEID=.node1',
    });
    await send(`${base}/drop`, '', {});
    detach();
    await send(`${base}/things`, '', {});
    expect(seen).toHaveLength(2);
    const [first, dropped] = seen;
    expect(first).toMatchObject({
      requestId: 1,
      at: 1_000,
      request: { method: 'POST', url: '/things?a=%20b', body: '{"Password":"[redacted]","Name":"x"}' },
      response: { status: 201, body: '{"id":1,"access_token":"[redacted]"}' },
    });
    expect(first!.request.headers).toMatchObject({
      authorization: 'Bearer [redacted]',
      cookie: 'B1SESSION=[redacted]; ROUTEID=[redacted]',
    });
    expect(first!.response!.headers).toMatchObject({
      'content-type': 'application/json',
      location: '/things(1)',
      'set-cookie': 'B1SESSION=[redacted];HttpOnly;',
    });
    expect(dropped).toMatchObject({ request: { url: '/drop' } });
    expect(dropped!.response).toBeUndefined();
  });

  it('redacts form secrets and the JSON parts of multipart bodies, and leaves other bodies as they are', () => {
    expect(redactBody('client_secret=s&grant_type=password&password=p', 'application/x-www-form-urlencoded')).toBe(
      'client_secret=%5Bredacted%5D&grant_type=password&password=%5Bredacted%5D',
    );
    expect(
      redactBody('--batch_1\r\n\r\n{"password":"p", "a":1}\r\n--batch_1--', 'multipart/mixed;boundary=batch_1'),
    ).toBe('--batch_1\r\n\r\n{"password":"[redacted]","a":1}\r\n--batch_1--');
    expect(redactBody('{"Password": "p\\"q", "UserName":"u"', 'application/json')).toBe(
      '{"Password": "[redacted]", "UserName":"u"',
    );
    expect(redactBody('{"password":"unterminated', 'application/json')).toBe('{"password":"[redacted]"');
    expect(redactBody('Password=p', 'text/plain')).toBe('Password=p');
    expect(wireRequestHeaders({ 'x-a': ['1', '2'] })).toEqual({ 'x-a': '1, 2' });
  });
});
