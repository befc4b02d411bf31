import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

function http(method: string, url: string, body?: unknown, id?: number): string {
  const head = [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    ...(id !== undefined ? [`Content-ID: ${id}`] : []),
  ].join('\r\n');
  const req = [`${method} ${url} HTTP/1.1`, ...(body !== undefined ? ['Content-Type: application/json'] : [])].join(
    '\r\n',
  );
  return `${head}\r\n\r\n${req}\r\n\r\n${body !== undefined ? JSON.stringify(body) : ''}`;
}

function changeset(name: string, parts: string[]): string {
  return `Content-Type: multipart/mixed;boundary=${name}\r\n\r\n${parts.map((p) => `--${name}\r\n${p}\r\n`).join('')}--${name}--`;
}

function batch(parts: string[]): string {
  return `${parts.map((p) => `--batch_1\r\n${p}\r\n`).join('')}--batch_1--\r\n`;
}

const je = (ref: string, account = '6900') => ({
  Reference: ref,
  JournalEntryLines: [
    { AccountCode: account, Debit: 1 },
    { AccountCode: '1100', Credit: 1 },
  ],
});

describe('emulator $batch', () => {
  let emu: SapB1Emulator;
  beforeEach(async () => {
    emu = await startSapB1Emulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  const send = async (c: TestClient, body: string): Promise<Response> =>
    fetch(`${c.root}/$batch`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/mixed;boundary=batch_1', cookie: c.cookie ?? '' },
      body,
    });

  it('tells one committed event per change set that committed, none for the one that failed', async () => {
    const c = testClient(emu, 'v2');
    await c.login();
    const mark = emu.events.mark();
    await send(
      c,
      batch([
        changeset('changeset_a', [http('POST', 'JournalEntries', je('EV-1'), 1)]),
        changeset('changeset_b', [
          http('POST', 'JournalEntries', je('EV-2'), 2),
          http('PATCH', 'JournalEntries(4)', { Memo: 'm' }, 3),
        ]),
        changeset('changeset_c', [http('POST', 'JournalEntries', je('EV-3', '9999'), 4)]),
      ]),
    );
    const committed = emu.events.all('committed', undefined, mark);
    expect(committed.map((e) => [e.changeSet, e.entitySet, e.ids])).toEqual([
      [0, 'JournalEntries', [4]],
      [1, 'JournalEntries', [5, 4]],
    ]);
    const [request] = emu.events.all('request', (e) => e.path === '$batch', mark);
    expect(committed.every((e) => e.requestId === request?.requestId)).toBe(true);
    expect(committed[1]?.writes.map((w) => w.entity?.Reference)).toEqual(['EV-2', 'EV-1']);
  });

  it('runs change sets in order: v1 answers 202 with changesetresponse parts carrying status, Location and body', async () => {
    const c = testClient(emu, 'v1');
    await c.login();
    const res = await send(
      c,
      batch([
        changeset('changeset_a', [http('POST', '/b1s/v1/JournalEntries', je('B-1'), 1)]),
        changeset('changeset_b', [http('POST', 'JournalEntries', je('B-2'), 2)]),
        http('GET', "/b1s/v1/Projects('P1001')"),
      ]),
    );
    expect(res.status).toBe(202);
    const ct = res.headers.get('content-type') ?? '';
    expect(ct).toMatch(/^multipart\/mixed;boundary=batchresponse_/);
    const text = await res.text();
    expect(text.match(/HTTP\/1\.1 201 Created/g)).toHaveLength(2);
    expect(text).toMatch(/Content-ID: 1\r\n/);
    expect(text).toMatch(/location: http:\/\/127\.0\.0\.1:\d+\/b1s\/v1\/JournalEntries\(4\)/);
    expect(text).toMatch(/HTTP\/1\.1 200 OK[\s\S]*"Name":"Calibration Rig Upgrade"/);
    expect(text).toMatch(/--changesetresponse_/);
    expect(emu.counters.requests).toMatchObject({ 'POST $batch': 1, 'POST JournalEntries': 2, 'GET Projects': 1 });
  });

  it('stops at the first failing change set, answers one error for it and rolls it back', async () => {
    const c = testClient(emu, 'v2');
    await c.login();
    const res = await send(
      c,
      batch([
        changeset('cs1', [http('POST', '/b1s/v2/JournalEntries', je('B-1'), 1)]),
        changeset('cs2', [
          http('POST', '/b1s/v2/JournalEntries', je('B-2'), 2),
          http('POST', '/b1s/v2/JournalEntries', je('B-3', '9999'), 3),
        ]),
        changeset('cs3', [http('POST', '/b1s/v2/JournalEntries', je('B-4'), 4)]),
      ]),
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.match(/HTTP\/1\.1 201/g)).toHaveLength(1);
    expect(text).toMatch(/HTTP\/1\.1 400 Bad Request[\s\S]*"code":"-10"[\s\S]*Invalid account code '9999'/);
    const refs = [...emu.state.JournalEntries.values()].map((e) => e.Reference);
    expect(refs).toContain('B-1');
    expect(refs).not.toContain('B-2');
    expect(refs).not.toContain('B-4');
    const next = await c.request('POST', 'JournalEntries', { body: je('B-5') });
    expect(next.json.JdtNum).toBe(5);
  });

  it('needs a session, a multipart body, and no GET inside a change set', async () => {
    const c = testClient(emu, 'v1');
    expect((await send(c, batch([]))).status).toBe(401);
    await c.login();
    const bad = await fetch(`${c.root}/$batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: c.cookie ?? '' },
      body: '{}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: unknown }).error).toEqual({
      code: -1000,
      message: { lang: 'en-us', value: 'Incomplete Batch Request Body!' },
    });
    expect((await send(c, '--batch_1\r\nno end')).status).toBe(400);
    expect((await send(c, batch([changeset('cs', [http('GET', 'Projects')])]))).status).toBe(400);
  });
});
