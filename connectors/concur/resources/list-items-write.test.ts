import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WriteOp, WriteOutcome } from '../../../engine/connector/types.js';
import { AuthError } from '../../../engine/errors.js';
import type { HttpResponse } from '../../../engine/runtime/http.js';
import type { ConcurClient } from '../client.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { openAgainst } from '../test-support.js';
import { writeListItems } from './list-items-write.js';

const BULK = '/list/v4/lists/:listId/bulk';
const create = (code: string): WriteOp => ({ op: 'create', key: code, record: { code, value: `Project ${code}` } });

let emu: ConcurEmulator;
beforeAll(async () => {
  emu = await startConcurEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.faults.clear();
  emu.clearLog();
});

async function projects(config = {}) {
  const connection = await openAgainst(emu, { config });
  const target = connection.target!('list-items', { list: 'Projects' }, { keyField: 'code', mode: 'upsert' });
  await target.lookup(['P1001']); // token, list id and index read before the faults apply
  emu.clearLog();
  return { connection, target };
}

const listId = (): string => emu.state.listByName('Projects')!.id;

describe('list item bulk: what a failed write did (writeOutcome)', () => {
  it('a 5xx may have been applied: unknown, and the create is not sent again', async () => {
    const { target } = await projects();
    for (const kind of ['500', '503'] as const) {
      emu.faults.add({ path: /\/bulk$/, method: 'POST', kind });
      const [o] = await target.write([create(`Q${kind}`)]);
      expect(o!.error).toMatchObject({ retryable: true, status: Number(kind), writeOutcome: 'unknown' });
    }
    expect(emu.count({ method: 'POST', path: BULK })).toBe(2);
  });

  it('a 429 was refused before processing: not-applied, retried here, with the server delay', async () => {
    const { target } = await projects();
    emu.faults.add({ path: /\/bulk$/, method: 'POST', kind: '429', times: Infinity });
    const [o] = await target.write([create('Q429')]);
    expect(o!.error).toMatchObject({
      code: 'CONCUR_RATE_LIMITED',
      retryable: true,
      retryAfterMs: 0,
      writeOutcome: 'not-applied',
    });
    expect(emu.count({ method: 'POST', path: BULK, status: 429 })).toBe(4); // every attempt of the policy
    expect(emu.state.itemByCode(listId(), 'Q429')).toBeUndefined();
  });

  it('400 and 404 for the whole request: not-applied, final', async () => {
    const { target } = await projects();
    for (const kind of ['400', '404'] as const) {
      emu.faults.add({ path: /\/bulk$/, method: 'POST', kind });
      const [o] = await target.write([create(`Q${kind}`)]);
      expect(o!.error).toMatchObject({ retryable: false, status: Number(kind), writeOutcome: 'not-applied' });
    }
  });

  it('a timeout after the request was sent: unknown; the item may well appear later', async () => {
    const { target } = await projects({ timeoutMs: 100 });
    emu.faults.add({ path: /\/bulk$/, method: 'POST', kind: 'delay', delayMs: 1500 });
    const [o] = await target.write([create('QSLOW')]);
    expect(o!.error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true, writeOutcome: 'unknown' });
    // The emulator carries on with the request the client gave up on: exactly why it is in doubt.
    await vi.waitFor(() => expect(emu.count({ method: 'POST', path: BULK })).toBe(1), { timeout: 5000 });
    expect(emu.state.itemByCode(listId(), 'QSLOW')).toBeDefined();
  });

  it('an update (PATCH, safe to repeat) is retried on a 5xx; when every attempt fails it is unknown', async () => {
    const { target } = await projects();
    const before = (await target.lookup(['P1002'])).get('P1002')!;
    const update: WriteOp = {
      op: 'update',
      key: 'P1002',
      id: before.id,
      record: { ...before.record, value: 'Renamed once' },
      before: before.record,
      changes: [],
    };
    emu.faults.add({ path: /\/bulk$/, method: 'PATCH', kind: '500', times: Infinity });
    const [o] = await target.write([update]);
    expect(o!.error).toMatchObject({ retryable: true, writeOutcome: 'unknown' });
    expect(emu.count({ method: 'PATCH', path: BULK })).toBe(4);
  });

  it('the token request failing means the write never left: not-applied, even for a token 5xx', async () => {
    const connection = await openAgainst(emu);
    const target = connection.target!('list-items', { listId: listId() }, { keyField: 'code', mode: 'upsert' });
    emu.faults.add({ path: '/oauth2/v0/token', kind: '500', times: Infinity });
    const [o] = await target.write([create('QTOKEN')]);
    expect(o!.error).toMatchObject({ retryable: true, writeOutcome: 'not-applied' });
    expect(emu.count({ path: BULK })).toBe(0);

    emu.faults.clear();
    const denied = await openAgainst(emu, { config: { clientSecret: 'wrong' } });
    const [a] = await denied.target!('list-items', { listId: listId() }, { keyField: 'code', mode: 'upsert' }).write([
      create('QAUTH'),
    ]);
    expect(a!.error).toBeInstanceOf(AuthError);
    expect(a!.error).toMatchObject({ writeOutcome: 'not-applied' });
  });

  it('a refused connection sent nothing: not-applied', async () => {
    const gone = await startConcurEmulator();
    const connection = await openAgainst(gone);
    const target = connection.target!('list-items', { list: 'Projects' }, { keyField: 'code', mode: 'upsert' });
    await target.lookup(['P1001']);
    await gone.close();
    // A read first (safe to retry): it uses up any keep-alive socket still held from before the close,
    // which would answer a reset (in doubt) rather than a refusal.
    const read = { method: 'GET', path: '/list/v4/lists', family: 'list', op: 'GET lists' } as const;
    await expect(connection.client.request(read)).rejects.toMatchObject({ message: /ECONNREFUSED/ });
    const [o] = await target.write([create('QGONE')]);
    expect(o!.error).toMatchObject({ code: 'NETWORK_ERROR', retryable: true, writeOutcome: 'not-applied' });
    expect(o!.error!.message).toMatch(/ECONNREFUSED/);
  });
});

/** A client whose one bulk call answers `res`. */
function answering(res: Partial<HttpResponse>): ConcurClient {
  const full: HttpResponse = { status: 200, headers: {}, body: undefined, rawBody: '', ...res };
  return { request: () => Promise.resolve(full) } as unknown as ConcurClient;
}

async function outcomesFor(res: Partial<HttpResponse>, codes: string[]): Promise<Map<string, WriteOutcome>> {
  const { outcomes } = await writeListItems(answering(res), 'L1', codes.map(create));
  return new Map(outcomes.map((o) => [o.key, o]));
}

const error = (code: string, id = 'item.parent.not.found') => ({ id, message: 'no', listItem: { shortCode: code } });

describe('list item bulk answers mapped to per-part outcomes', () => {
  it('a 206 that cannot be read leaves every part in doubt', async () => {
    const out = await outcomesFor({ status: 206, body: '<html>proxy</html>', rawBody: '<html>proxy</html>' }, [
      'A',
      'B',
    ]);
    for (const k of ['A', 'B'])
      expect(out.get(k)!.error).toMatchObject({ code: 'CONCUR_BULK_AMBIGUOUS', writeOutcome: 'unknown' });
  });

  it('a 206 with failures it does not attribute: the attributed part was refused, the rest are unknown', async () => {
    const body = {
      status: 'PARTIAL_SUCCESS',
      recordsSucceeded: 1,
      recordsFailed: 2,
      errors: [error('A'), { id: 'x', message: 'no', listItem: {} }],
    };
    const out = await outcomesFor({ status: 206, body }, ['A', 'B', 'C']);
    expect(out.get('A')!.error).toMatchObject({ remoteCode: 'item.parent.not.found', writeOutcome: 'not-applied' });
    for (const k of ['B', 'C']) expect(out.get(k)!.error).toMatchObject({ writeOutcome: 'unknown', retryable: true });
  });

  it('a 206 whose failure count does not match its errors leaves the unnamed parts in doubt', async () => {
    const body = { status: 'PARTIAL_SUCCESS', recordsSucceeded: 1, recordsFailed: 2, errors: [error('A')] };
    const out = await outcomesFor({ status: 206, body }, ['A', 'B', 'C']);
    expect(out.get('B')!.error).toMatchObject({ writeOutcome: 'unknown' });
  });

  it('a consistent 206: named parts refused, the others written', async () => {
    const body = { status: 'PARTIAL_SUCCESS', recordsSucceeded: 1, recordsFailed: 1, errors: [error('A')] };
    const out = await outcomesFor({ status: 206, body }, ['A', 'B']);
    expect(out.get('A')!.error).toMatchObject({ writeOutcome: 'not-applied' });
    expect(out.get('B')).toMatchObject({ ok: true, id: 'B' });
  });

  it('an item timeout may have committed: unknown and retryable', async () => {
    const body = {
      status: 'PARTIAL_SUCCESS',
      recordsFailed: 1,
      errors: [error('A', 'item.operation.timeout')],
    };
    const out = await outcomesFor({ status: 206, body }, ['A', 'B']);
    expect(out.get('A')!.error).toMatchObject({ retryable: true, writeOutcome: 'unknown' });
  });

  it('a 400 FAILURE applied nothing, also for parts it names no error for', async () => {
    const body = { status: 'FAILURE', recordsSucceeded: 0, recordsFailed: 2, errors: [error('A')] };
    const out = await outcomesFor({ status: 400, body }, ['A', 'B']);
    for (const k of ['A', 'B']) expect(out.get(k)!.error).toMatchObject({ writeOutcome: 'not-applied' });
  });

  it('a 400 refusing the request: not-applied; a deadlock there is retryable', async () => {
    const body = { httpStatus: '400 - Bad Request', error: { id: 'db', message: 'Transaction deadlocked' } };
    const out = await outcomesFor({ status: 400, body }, ['A']);
    expect(out.get('A')!.error).toMatchObject({
      code: 'CONCUR_BULK_REJECTED',
      retryable: true,
      writeOutcome: 'not-applied',
    });
  });

  it('a 201 wrote every part', async () => {
    const out = await outcomesFor({ status: 201, body: { status: 'SUCCESS', recordsSucceeded: 2 } }, ['A', 'B']);
    expect([...out.values()].every((o) => o.ok)).toBe(true);
  });
});
