import { afterEach, describe, expect, it } from 'vitest';
import type { DataRecord, WriteOp } from '../../../engine/connector/types.js';
import type { Clock } from '../../../engine/runtime/clock.js';
import type { HttpResponse } from '../../../engine/runtime/http.js';
import type { ConcurClient, ConcurRequest } from '../client.js';
import { resolveConfig } from '../config.js';
import { startConcurEmulator, type ConcurEmulator } from '../emulator/index.js';
import { openAgainst } from '../test-support.js';
import { approverKey } from './cost-object-approvers.def.js';
import { runScimBulk, type BulkOperation } from './scim-bulk.js';

const BULK = '/profile/v4/Bulk';
const STATUS = '/profile/v4/provisions/:id/status';
const AVERY = 'avery.reyes@northwind.example';

/** A clock whose sleeps pass at once and move it on: polling runs through its schedule without waiting. */
function steppingClock(): Clock & { slept: number[] } {
  let t = Date.UTC(2026, 0, 15);
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

const hire = (i: number): DataRecord => ({
  userName: `hire${i}@northwind.example`,
  name: { givenName: 'New', familyName: `Hire${i}` },
  emails: [{ value: `hire${i}@northwind.example`, type: 'work' }],
});
const create = (record: DataRecord): WriteOp => ({ op: 'create', key: String(record.userName), record });

let emu: ConcurEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function usersTarget(pendingPolls = 1, config = {}, clock?: Clock) {
  emu = await startConcurEmulator({ provisionPendingPolls: pendingPolls });
  const connection = await openAgainst(emu, { config, ...(clock && { clock }) });
  const target = connection.target!('users', {}, { keyField: 'userName', mode: 'upsert' });
  await target.lookup([AVERY]);
  emu.clearLog();
  return { emu, target };
}

describe('SCIM bulk: what a failed write did (writeOutcome)', () => {
  it('a job still pending when polling gives up is in doubt; the deadline is on the injected clock', async () => {
    const clock = steppingClock();
    const { emu, target } = await usersTarget(
      1000,
      { provisioning: { pollIntervalMs: 5000, timeoutMs: 60_000 } },
      clock,
    );
    const [o] = await target.write([create(hire(1))]);
    expect(o!.error).toMatchObject({ code: 'CONCUR_PROVISION_PENDING', retryable: true, writeOutcome: 'unknown' });
    // 5 s, 7.5 s, 11.25 s, 16.9 s: the next poll (after 25.3 s more) would come after the 60 s deadline.
    expect(clock.slept).toEqual([5000, 7500, 11250, 16875]);
    expect(emu.count({ path: STATUS })).toBe(4);
    expect(emu.state.userByName('hire1@northwind.example')).toBeDefined(); // Concur did run it
  });

  it('accepted, then the status cannot be read (even a 404): unknown; the same target then finds the user', async () => {
    const { emu, target } = await usersTarget();
    emu.faults.add({ path: '/profile/v4/provisions/', kind: '404', times: Infinity });
    const [o] = await target.write([create(hire(2))]);
    expect(o!.error).toMatchObject({ code: 'CONCUR_PROVISION_STATUS_UNREADABLE', writeOutcome: 'unknown' });
    expect(o!.error!.cause).toMatchObject({ status: 404 });
    emu.faults.clear();
    expect((await target.lookup(['hire2@northwind.example'])).has('hire2@northwind.example')).toBe(true);
  });

  it('the bulk request refused (429) applied nothing; a 500 or a lost answer may have', async () => {
    const { emu, target } = await usersTarget();
    emu.faults.add({ path: BULK, method: 'POST', kind: '429', times: Infinity });
    const [throttled] = await target.write([create(hire(3))]);
    expect(throttled!.error).toMatchObject({ code: 'CONCUR_RATE_LIMITED', writeOutcome: 'not-applied' });
    emu.faults.clear();
    emu.clearLog();
    emu.faults.add({ path: BULK, method: 'POST', kind: '500' });
    const [failed] = await target.write([create(hire(4))]);
    expect(failed!.error).toMatchObject({ code: 'CONCUR_SERVER_ERROR', writeOutcome: 'unknown' });
    emu.faults.add({ path: BULK, method: 'POST', kind: 'drop-after-commit' });
    const [dropped] = await target.write([create(hire(5))]);
    expect(dropped!.error).toMatchObject({ code: 'NETWORK_ERROR', writeOutcome: 'unknown' });
    expect(emu.count({ method: 'POST', path: BULK })).toBe(2); // neither was sent again
  });

  it('an operation the status reports failed was not applied: a second create of a userName is refused', async () => {
    const { target } = await usersTarget();
    const [o] = await target.write([create({ ...hire(6), userName: AVERY })]);
    expect(o!.error).toMatchObject({ code: 'CONCUR_PROVISION_FAILED', retryable: false, writeOutcome: 'not-applied' });
    expect(o!.error!.message).toMatch(/already in use/);
  });

  it('cost-object approvers: an unknown user is refused, a bulk 5xx is unknown, a failed read sends nothing', async () => {
    emu = await startConcurEmulator({ provisionPendingPolls: 0 });
    const connection = await openAgainst(emu);
    const target = connection.target!('cost-object-approvers', {}, { keyField: 'approverKey', mode: 'upsert' });
    const rec = (userName: string, group: string): WriteOp => ({
      op: 'create',
      key: approverKey(userName, 'report', group),
      record: { userName, approvalType: 'report', approvalGroup: group, approvalLimit: 10, level: 1 },
    });
    await target.lookup([approverKey(AVERY, 'report', 'GNA')]);
    const [nobody] = await target.write([rec('nobody@northwind.example', 'GNA')]);
    expect(nobody!.error).toMatchObject({ code: 'CONCUR_USER_NOT_FOUND', writeOutcome: 'not-applied' });
    emu.faults.add({ path: BULK, method: 'POST', kind: '503' });
    const [down] = await target.write([rec(AVERY, 'GNA')]);
    expect(down!.error).toMatchObject({ retryable: true, writeOutcome: 'unknown' });
    // The in-doubt write dropped the cached approvers of that user: the next write reads them again, and fails.
    emu.faults.add({ path: '/profile/spend/v4.1/Users/', kind: '500', times: Infinity });
    await expect(target.write([rec(AVERY, 'GNA')])).rejects.toMatchObject({ writeOutcome: 'not-applied' });
    expect(emu.count({ method: 'POST', path: BULK })).toBe(1);
  });
});

/** A client answering the bulk POST and the status GETs with scripted bodies. */
function scripted(post: Partial<HttpResponse>, status: unknown): ConcurClient {
  const answer = (req: ConcurRequest): HttpResponse =>
    req.method === 'POST'
      ? { status: 202, headers: {}, rawBody: '', body: undefined, ...post }
      : { status: 200, headers: {}, rawBody: '', body: status };
  return {
    request: (req: ConcurRequest) => Promise.resolve(answer(req)),
  } as unknown as ConcurClient;
}

const ops: BulkOperation[] = ['a', 'b', 'c'].map((bulkId) => ({ bulkId, method: 'POST', path: '/Users', data: {} }));
const settled = (bulkId: string, success: boolean, extra: object = {}) => ({
  bulkId,
  status: { completed: true, success },
  ...extra,
});

describe('SCIM bulk status mapped to per-operation outcomes', () => {
  const run = (client: ConcurClient) =>
    runScimBulk(
      {
        client,
        config: resolveConfig({ clientId: 'c', clientSecret: 's', refreshToken: 'r' }),
        clock: steppingClock(),
      },
      ops,
    );

  it('failed whole: not-applied; failed after part of it succeeded, or missing from the status: unknown', async () => {
    const partly = {
      extensions: [
        { name: 'urn:ietf:params:scim:schemas:core:2.0:User', status: { success: true } },
        { name: 'urn:ietf:params:scim:schemas:extension:spend:2.0:User', status: { success: false }, messages: [] },
      ],
    };
    const body = {
      status: { completed: true, success: false },
      operations: [settled('a', false), settled('b', false, partly)],
    };
    const results = await run(scripted({ body: { id: 'P1' } }, body));
    expect(results.get('a')!.error).toMatchObject({ code: 'CONCUR_PROVISION_FAILED', writeOutcome: 'not-applied' });
    expect(results.get('b')!.error).toMatchObject({ code: 'CONCUR_PROVISION_FAILED', writeOutcome: 'unknown' });
    expect(results.get('b')!.error!.message).toMatch(/part of the operation was applied/);
    expect(results.get('c')!.error).toMatchObject({ code: 'CONCUR_PROVISION_NO_RESULT', writeOutcome: 'unknown' });
  });

  it('accepted without a provision id: every operation is in doubt', async () => {
    const results = await run(scripted({ body: 'accepted' }, {}));
    for (const id of ['a', 'b', 'c'])
      expect(results.get(id)!.error).toMatchObject({ code: 'CONCUR_PROVISION_NO_ID', writeOutcome: 'unknown' });
  });
});
