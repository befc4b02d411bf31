import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, ConfigError, mayHaveApplied } from '../../engine/errors.js';
import { ManualClock } from '../../engine/runtime/clock.js';
import { openAgainst, targetOf } from './test-helpers.js';
import { startTestServer, type TestServer } from './test-support.js';

const WRITES = { path: 'items', lookup: { by: 'get', path: 'items/by-key/{$key}' } };
const BATCH = {
  ...WRITES,
  batch: { path: 'items/batch', body: "{ 'items': $ }", results: 'results', maxItems: 2 },
};

describe('writes', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(new ManualClock());
  });
  afterEach(() => server.close());

  const create = (externalId: string, extra: Record<string, unknown> = {}) => ({
    op: 'create' as const,
    key: externalId,
    record: { externalId, name: `N ${externalId}`, ...extra },
  });

  for (const kind of ['hang-after-commit', 'drop-after-commit'] as const) {
    it(`a create whose answer is lost (${kind}) is in doubt, not failed, is not re-sent, and the look-up finds it`, async () => {
      const conn = await openAgainst(server, { timeoutMs: 300 });
      const target = targetOf(conn, WRITES, { mode: 'create' });
      server.fail('POST', '/items', { kind });
      const committed = server.events.next('committed');
      const [outcome] = await target.write([create('k1')]);
      expect(outcome?.ok).toBe(false);
      expect(outcome?.error?.writeOutcome).toBe('unknown');
      expect(mayHaveApplied(outcome!.error!)).toBe(true);
      expect(outcome?.error?.message).toMatch(/in doubt/);
      expect(server.requests('POST', '/items')).toHaveLength(1);
      await committed;
      const found = await target.lookup(['k1', 'other']);
      expect([...found.keys()]).toEqual(['k1']);
      expect(found.get('k1')).toMatchObject({ key: 'k1', id: 'c1', record: { externalId: 'k1', name: 'N k1' } });
    });
  }

  it('a refused create (422) is not applied, not retryable, and carries the API message', async () => {
    const conn = await openAgainst(server);
    const [outcome] = await targetOf(conn, WRITES).write([create('x', { name: 'REJECT' })]);
    expect(outcome?.error).toMatchObject({
      code: 'HTTP_REQUEST_REJECTED',
      retryable: false,
      writeOutcome: 'not-applied',
      status: 422,
    });
    expect(outcome?.error?.message).toMatch(/name REJECT is not allowed/);
    expect(outcome?.error?.reasonClass).toBe('data');
  });

  it('URL templates take the record fields, the key and the id, percent-encoded; a missing field parks the record', async () => {
    const conn = await openAgainst(server);
    const put = targetOf(conn, { ...WRITES, create: { method: 'PUT', path: 'items/by-key/{externalId}' } });
    const [missing] = await put.write([{ op: 'create', key: 'z', record: { name: 'no key field' } }]);
    expect(missing?.error).toMatchObject({ code: 'HTTP_TEMPLATE_FIELD_MISSING', writeOutcome: 'not-applied' });
    expect(missing?.error?.message).toMatch(/\{externalId\} has no value/);
    expect(server.requests()).toHaveLength(0);

    const target = targetOf(conn, { ...WRITES, update: { method: 'PATCH', send: 'changes' } });
    const [created] = await target.write([create('a/b c', { amount: 1 })]);
    expect(created).toMatchObject({ ok: true, id: 'c1' });
    const found = await target.lookup(['a/b c']);
    expect(server.requests('GET').at(-1)?.path).toBe('/items/by-key/a%2Fb%20c');
    const before = found.get('a/b c')!.record;
    const [updated] = await target.write([
      {
        op: 'update',
        key: 'a/b c',
        id: 'c1',
        record: { ...before, amount: 2 },
        before,
        changes: [{ path: 'amount', before: 1, after: 2 }],
      },
    ]);
    expect(updated).toMatchObject({ ok: true, id: 'c1' });
    expect(server.requests('PATCH')[0]?.path).toBe('/items/c1');
    expect(server.items.get('c1')).toMatchObject({ externalId: 'a/b c', name: 'N a/b c', amount: 2 });
  });

  it('look-up by filter query sends several keys per request', async () => {
    server.seed(['a', 'b', 'c', 'd', 'e'].map((externalId) => ({ externalId })));
    const conn = await openAgainst(server);
    const target = targetOf(conn, { path: 'items', lookup: { by: 'query', param: 'externalId', keysPerRequest: 2 } });
    const found = await target.lookup(['a', 'c', 'e', 'zz']);
    expect([...found.keys()].sort()).toEqual(['a', 'c', 'e']);
    expect(server.requests('GET').map((r) => r.query.externalId)).toEqual(['a,c', 'e,zz']);
  });

  it('mirror mode without a delete option is refused when the target opens, with what to add', async () => {
    const conn = await openAgainst(server);
    expect(() => targetOf(conn, WRITES, { mode: 'mirror' })).toThrow(ConfigError);
    expect(() => targetOf(conn, WRITES, { mode: 'mirror' })).toThrow(
      /need delete \(e\.g\. delete: \{ path: "items\/\{\$id\}" \}\)/,
    );
  });

  it('a batch: one request per maxItems records, a refused item parked alone, the others written with their ids', async () => {
    const conn = await openAgainst(server);
    const target = targetOf(conn, BATCH, { mode: 'create' }, 'batch');
    const outcomes = await target.write([create('b1'), create('b2', { name: 'REJECT' }), create('b3')]);
    expect(server.requests('POST', '/items/batch')).toHaveLength(2);
    expect(outcomes.map((o) => [o.key, o.ok, o.id])).toEqual([
      ['b1', true, 'c1'],
      ['b2', false, undefined],
      ['b3', true, 'c2'],
    ]);
    expect(outcomes[1]?.error).toMatchObject({
      code: 'HTTP_ITEM_REJECTED',
      retryable: false,
      writeOutcome: 'not-applied',
      recordKey: 'b2',
    });
    expect(outcomes[1]?.error?.message).toMatch(/name REJECT is not allowed/);
    expect([...server.items.values()].map((i) => i.externalId)).toEqual(['b1', 'b3']);
  });

  it('a batch whose answer is lost leaves every item of it in doubt; an answer without item results too', async () => {
    const conn = await openAgainst(server, { timeoutMs: 300 });
    const target = targetOf(conn, BATCH, { mode: 'create' }, 'batch');
    server.fail('POST', '/items/batch', { kind: 'hang-after-commit' });
    const lost = await target.write([create('d1'), create('d2')]);
    expect(lost.map((o) => [o.key, o.ok, o.error?.writeOutcome])).toEqual([
      ['d1', false, 'unknown'],
      ['d2', false, 'unknown'],
    ]);
    expect(server.requests('POST')).toHaveLength(1);

    const vague = targetOf(
      conn,
      { ...BATCH, batch: { ...BATCH.batch, results: 'nothing' } },
      { mode: 'create' },
      'batch',
    );
    const unclear = await vague.write([create('d3')]);
    expect(unclear[0]?.error).toMatchObject({ code: 'HTTP_ITEM_RESULT_MISSING', writeOutcome: 'unknown' });
    expect(mayHaveApplied(unclear[0]!.error!)).toBe(true);
  });

  it('credentials refused in the middle of a call keep what was written; refused at once, the call throws', async () => {
    const conn = await openAgainst(server);
    const target = targetOf(conn, BATCH, { mode: 'create' }, 'batch');
    server.fail('POST', '/items/batch', { kind: 'pass' }, { kind: 'status', status: 401 });
    const outcomes = await target.write([create('e1'), create('e2'), create('e3')]);
    expect(outcomes.map((o) => [o.key, o.ok, o.error?.code])).toEqual([
      ['e1', true, undefined],
      ['e2', true, undefined],
      ['e3', false, 'AUTH_FAILED'],
    ]);
    expect(outcomes[2]?.error).toBeInstanceOf(AuthError);
    server.fail('POST', '/items/batch', { kind: 'status', status: 403 });
    await expect(target.write([create('e4')])).rejects.toBeInstanceOf(AuthError);
  });

  it('deletes by id; an already deleted record counts as deleted', async () => {
    const [item] = server.seed([{ externalId: 'gone' }]);
    const conn = await openAgainst(server);
    const target = targetOf(conn, { ...WRITES, delete: {} }, { mode: 'mirror' });
    const op = { op: 'delete' as const, key: 'gone', id: item!.id, action: 'delete' as const, before: {} };
    expect((await target.write([op]))[0]).toMatchObject({ ok: true });
    expect(server.items.size).toBe(0);
    expect((await target.write([op]))[0]).toMatchObject({ ok: true });
  });
});
