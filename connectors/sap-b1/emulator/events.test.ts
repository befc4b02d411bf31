import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from './index.js';
import { testClient, type TestClient } from './testing.js';

const je = (ref: string, account = '6900') => ({
  Reference: ref,
  JournalEntryLines: [
    { AccountCode: account, Debit: 1 },
    { AccountCode: '1100', Credit: 1 },
  ],
});

describe('emulator events', () => {
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

  it('tells each request (path below the service root, decoded query) and its status', async () => {
    const mark = emu.events.mark();
    await c.request('GET', "Projects?$filter=Code eq 'P1001'");
    await c.request('GET', 'Nope');
    expect(emu.events.all('request', undefined, mark)).toMatchObject([
      { method: 'GET', path: 'Projects', query: "$filter=Code eq 'P1001'", fault: undefined },
      { method: 'GET', path: 'Nope' },
    ]);
    expect(emu.events.all('responded', undefined, mark).map((e) => [e.path, e.status])).toEqual([
      ['Projects', 200],
      ['Nope', 404],
    ]);
    expect(emu.events.all('committed', undefined, mark)).toEqual([]);
  });

  it('tells what a create, an update, a bound action and a delete committed; a refused write commits nothing', async () => {
    const mark = emu.events.mark();
    expect((await c.request('POST', 'JournalEntries', { body: je('E-1') })).status).toBe(201);
    expect((await c.request('POST', 'JournalEntries', { body: je('E-2', '9999') })).status).toBe(400);
    await c.request('PATCH', 'JournalEntries(4)', { body: { Memo: 'changed' } });
    await c.request('POST', 'JournalEntries(4)/Cancel');
    await c.request('POST', 'Projects', { body: { Code: 'PX1', Name: 'X' } });
    await c.request('DELETE', "Projects('PX1')");
    const committed = emu.events.all('committed', undefined, mark);
    expect(
      committed.map((e) => [e.entitySet, e.ids, e.writes.map((w) => w.method + (w.action ? `/${w.action}` : ''))]),
    ).toEqual([
      ['JournalEntries', [4], ['POST']],
      ['JournalEntries', [4], ['PATCH']],
      ['JournalEntries', [4], ['POST/Cancel']],
      ['Projects', ['PX1'], ['POST']],
      ['Projects', ['PX1'], ['DELETE']],
    ]);
    expect(committed[0]?.writes[0]?.entity).toMatchObject({ JdtNum: 4, Reference: 'E-1' });
    expect(committed[1]?.writes[0]?.entity).toMatchObject({ Memo: 'changed' });
    expect(committed[4]?.writes[0]?.entity).toBeUndefined();
    expect(committed.every((e) => e.changeSet === undefined)).toBe(true);
  });

  it('drop-after-commit: committed is told before the drop; next() also finds it since a mark', async () => {
    emu.faults.add({ method: 'POST', path: 'JournalEntries', kind: 'drop-after-commit' });
    const mark = emu.events.mark();
    await expect(c.request('POST', 'JournalEntries', { body: je('E-3') })).rejects.toThrow();
    const committed = await emu.events.next('committed', (e) => e.entitySet === 'JournalEntries', { since: mark });
    const responded = await emu.events.next('responded', (e) => e.requestId === committed.requestId, { since: mark });
    expect(responded.status).toBe('dropped');
    expect(committed.seq).toBeLessThan(responded.seq);
  });
});
