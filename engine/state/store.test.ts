import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { LeaseHeldError } from './lease.js';
import { openStateStore, type CommitBatch, type StateStore } from './store.js';

const SECRET = 'a'.repeat(64);

interface Backend {
  name: string;
  url: () => Promise<{ url: string; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    url: async () => ({ url: `sqlite:${tempDir()}/state.db`, cleanup: async () => {} }),
  },
  {
    name: 'mariadb',
    url: async () => {
      const db = await createTestDatabase('state');
      return { url: db.url, cleanup: db.drop };
    },
  },
];

describe.each(backends)('state store on $name', (backend) => {
  let store: StateStore;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ url, cleanup } = await backend.url());
    store = await openStateStore({ url, secretKey: SECRET });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  /** Commits as run `runId`, which first takes the pipeline's lease (commits are fenced by it). */
  async function commitAs(pipeline: string, runId: string, batch: CommitBatch): Promise<void> {
    await store.acquireLease(pipeline, runId, 60_000, true);
    await store.commit(pipeline, runId, batch);
  }

  it('fences commits: a run whose lease was broken commits nothing', async () => {
    await store.acquireLease('fence', 'old-run', 60_000);
    await store.commit('fence', 'old-run', { cursor: '1' });
    await store.acquireLease('fence', 'new-run', 60_000, true);
    const late = store.commit('fence', 'old-run', {
      ledger: [{ key: 'x', targetId: '1', payloadHash: 'h', status: 'written', op: 'create', origin: 'created' }],
      cursor: '2',
    });
    await expect(late).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect((await store.ledgerGet('fence', ['x'])).size).toBe(0);
    expect(await store.cursorGet('fence')).toBe('1');
    await store.releaseLease('fence', 'new-run');
    await expect(store.commit('fence', 'new-run', { cursor: '3' })).rejects.toMatchObject({ code: 'LEASE_LOST' });
  });

  it('keeps pending creates with their settle time, and drops them when refused', async () => {
    await commitAs('pend', 'r1', {
      ledger: [
        {
          key: 'a',
          targetId: null,
          payloadHash: 'h',
          status: 'pending',
          op: 'create',
          origin: 'created',
          sentAt: '2026-01-01T00:00:00.000Z',
          settleAfter: '2026-01-01T00:30:00.000Z',
        },
        {
          key: 'b',
          targetId: null,
          payloadHash: 'h',
          status: 'pending',
          op: 'create',
          origin: 'created',
          sentAt: '2026-01-01T00:00:00.000Z',
          settleAfter: '2026-01-01T00:30:00.000Z',
        },
      ],
    });
    const pending: string[] = [];
    for await (const page of store.ledgerPending('pend')) pending.push(...page.map((e) => `${e.key}@${e.settleAfter}`));
    expect(pending).toEqual(['a@2026-01-01T00:30:00.000Z', 'b@2026-01-01T00:30:00.000Z']);
    await commitAs('pend', 'r2', {
      dropPending: ['b'],
      ledger: [{ key: 'a', targetId: '7', payloadHash: 'h', status: 'written', op: 'create', origin: 'created' }],
    });
    const got = await store.ledgerGet('pend', ['a', 'b']);
    expect([...got.keys()]).toEqual(['a']);
    expect(got.get('a')).toMatchObject({ status: 'written', targetId: '7', sentAt: null, settleAfter: null });
  });

  it('migrates idempotently: reopening an existing store works', async () => {
    const again = await openStateStore({ url, secretKey: SECRET });
    expect(await again.ledgerCount('nothing')).toEqual({});
    await again.close();
  });

  it('commits ledger rows, attention and cursor in one transaction and reads them back', async () => {
    await commitAs('p1', 'run-1', {
      ledger: [
        { key: 'K1', targetId: '10', payloadHash: 'h1', status: 'written', op: 'create', origin: 'created' },
        { key: 'k1', targetId: '11', payloadHash: 'h2', status: 'written', op: 'create', origin: 'adopted' },
      ],
      attention: [
        { sourceKey: 'S9', stage: 'transform', code: 'TRANSFORM_FAILED', message: 'boom', payload: { id: 'S9' } },
      ],
      cursor: '2024-01-02T00:00:00',
    });
    const got = await store.ledgerGet('p1', ['K1', 'k1', 'missing']);
    expect(got.size).toBe(2); // keys are case-sensitive on both backends
    expect(got.get('K1')).toMatchObject({ targetId: '10', payloadHash: 'h1', origin: 'created', runId: 'run-1' });
    expect(got.get('k1')?.origin).toBe('adopted');
    expect(await store.cursorGet('p1')).toBe('2024-01-02T00:00:00');
    const att = await store.attentionList({ pipeline: 'p1' });
    expect(att).toHaveLength(1);
    expect(att[0]).toMatchObject({ sourceKey: 'S9', status: 'open', payload: { id: 'S9' }, occurrences: 1 });
  });

  it('keeps the origin of an existing ledger row on update and counts repeated attention', async () => {
    await commitAs('p1', 'run-2', {
      ledger: [{ key: 'K1', targetId: '10', payloadHash: 'h3', status: 'written', op: 'update', origin: 'adopted' }],
      attention: [{ sourceKey: 'S9', stage: 'transform', code: 'TRANSFORM_FAILED', message: 'boom again' }],
    });
    const got = await store.ledgerGet('p1', ['K1']);
    expect(got.get('K1')).toMatchObject({ origin: 'created', op: 'update', payloadHash: 'h3', runId: 'run-2' });
    const [entry] = await store.attentionList({ pipeline: 'p1' });
    expect(entry).toMatchObject({ occurrences: 2, message: 'boom again', runId: 'run-2' });
  });

  it('keeps the source key of a ledger row when a later write does not name it (a settled pending create)', async () => {
    const base = { targetId: null, payloadHash: 'h', op: 'create', origin: 'created' } as const;
    await commitAs('p-src', 'run-1', { ledger: [{ ...base, key: 'b1-eu/PAY-1', status: 'pending', sourceKey: 'P1' }] });
    await commitAs('p-src', 'run-2', { ledger: [{ ...base, key: 'b1-eu/PAY-1', status: 'written', targetId: '7' }] });
    expect((await store.ledgerGet('p-src', ['b1-eu/PAY-1'])).get('b1-eu/PAY-1')).toMatchObject({
      status: 'written',
      targetId: '7',
      sourceKey: 'P1',
      sourceFp: null,
    });
  });

  it('rolls the whole batch back when one part fails', async () => {
    await expect(
      commitAs('p2', 'run-3', {
        ledger: [{ key: 'ok', targetId: '1', payloadHash: 'h', status: 'written', op: 'create', origin: 'created' }],
        // a NOT NULL violation after the ledger insert, inside the same transaction
        attention: [{ sourceKey: 's', stage: null as never, code: 'X', message: 'm' }],
        cursor: '5',
      }),
    ).rejects.toThrow();
    expect((await store.ledgerGet('p2', ['ok'])).size).toBe(0);
    expect(await store.cursorGet('p2')).toBeUndefined();
  });

  it('resolves attention entries and marks others for re-sync', async () => {
    await commitAs('p3', 'r', {
      attention: [
        { sourceKey: 'a', stage: 'apply', code: 'E', message: 'm' },
        { sourceKey: 'b', stage: 'apply', code: 'E', message: 'm' },
      ],
    });
    await commitAs('p3', 'r2', { resolved: ['a'] });
    expect(await store.attentionMarkResync('p3')).toBe(1);
    const list = await store.attentionList({ pipeline: 'p3' });
    expect(list.map((e) => [e.sourceKey, e.status])).toEqual([
      ['a', 'resolved'],
      ['b', 'resync'],
    ]);
  });

  it('scans ledger rows in key order across pages, filtered by origin', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      key: `k${String(i).padStart(5, '0')}`,
      targetId: String(i),
      payloadHash: 'h',
      status: 'written' as const,
      op: 'create',
      origin: i % 2 === 0 ? ('created' as const) : ('adopted' as const),
    }));
    await commitAs('scan', 'r', { ledger: rows });
    const seen: string[] = [];
    for await (const page of store.ledgerScan('scan', { origin: 'created' })) seen.push(...page.map((e) => e.key));
    expect(seen).toHaveLength(1250);
    expect(seen[0]).toBe('k00000');
    expect(seen.at(-1)).toBe('k02498');
  });

  it('stores credentials encrypted, with compare-and-swap versions', async () => {
    const vault = store.vault('conn-a');
    expect(await vault.put('token', { refresh: 'r1' }, 0)).toBe(true);
    expect(await vault.put('token', { refresh: 'rX' }, 0)).toBe(false);
    const v1 = await vault.get<{ refresh: string }>('token');
    expect(v1).toEqual({ value: { refresh: 'r1' }, version: 1 });
    expect(await vault.put('token', { refresh: 'r2' }, 1)).toBe(true);
    expect(await vault.put('token', { refresh: 'r-stale' }, 1)).toBe(false);
    expect((await vault.get<{ refresh: string }>('token'))?.value.refresh).toBe('r2');
    const raw = (await store.knex('sluice_credentials').where({ scope: 'conn-a' }).first()) as { ciphertext: string };
    expect(raw.ciphertext).not.toContain('r2');
    // another scope cannot see it, and a different key cannot decrypt it
    expect(await store.vault('conn-b').get('token')).toBeUndefined();
    const wrongKey = await openStateStore({ url, secretKey: 'b'.repeat(64) });
    await expect(wrongKey.vault('conn-a').get('token')).rejects.toMatchObject({ code: 'CREDENTIAL_KEY_MISMATCH' });
    await wrongKey.close();
  });

  it('allows one lease holder at a time; --force breaks it and is audited', async () => {
    await store.acquireLease('leased', 'run-A', 60_000);
    const err = await store.acquireLease('leased', 'run-B', 60_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect((err as LeaseHeldError).message).toContain('run-A');
    await store.acquireLease('leased', 'run-B', 60_000, true);
    const audit = await store.auditList('leased');
    expect(audit.map((a) => a.action)).toEqual(['lease-broken']);
    await store.releaseLease('leased', 'run-B');
    await store.acquireLease('leased', 'run-C', 60_000);
    await store.releaseLease('leased', 'run-C');
  });

  it('takes over the lease of a dead process on this host without --force', async () => {
    const clock = new ManualClock();
    const timed = await openStateStore({ url, secretKey: SECRET, clock });
    try {
      await timed.knex('sluice_leases').insert({
        pipeline: 'dead',
        holder: 'dead-run',
        host: (await import('node:os')).hostname(),
        pid: 2 ** 22 + 7,
        acquired_at: new Date(clock.now()).toISOString(),
        expires_at: new Date(clock.now() + 60_000).toISOString(), // far from expired, but its process is gone
      });
      await timed.acquireLease('dead', 'new-run', 60_000);
      expect((await timed.auditList('dead')).map((a) => a.action)).toEqual(['lease-expired-taken']);
    } finally {
      await timed.close();
    }
  });

  it('takes over a lease without --force once it expired, and not a moment before; renewing moves the expiry', async () => {
    const clock = new ManualClock();
    const timed = await openStateStore({ url, secretKey: SECRET, clock });
    try {
      await timed.acquireLease('expired', 'old-run', 60_000);
      clock.advance(30_000);
      expect(await timed.renewLease('expired', 'old-run', 60_000)).toBe(true); // now expires at 90 s
      clock.advance(59_999);
      await expect(timed.acquireLease('expired', 'new-run', 60_000)).rejects.toBeInstanceOf(LeaseHeldError);
      clock.advance(1);
      await timed.acquireLease('expired', 'new-run', 60_000);
      const audit = await timed.auditList('expired');
      expect(audit.map((a) => a.action)).toEqual(['lease-expired-taken']);
      expect(audit[0]?.at).toBe(new Date(clock.now()).toISOString());
      expect(await timed.renewLease('expired', 'old-run', 60_000)).toBe(false);
    } finally {
      await timed.close();
    }
  });

  it('records runs with their reports', async () => {
    await store.runStart({ id: 'run-x', pipeline: 'runs', command: 'run', startedAt: new Date().toISOString() });
    await store.runFinish('run-x', {
      status: 'succeeded',
      exitCode: 0,
      planHash: 'abc',
      report: { counts: { create: 1 } },
    });
    const [run] = await store.runList('runs');
    expect(run).toMatchObject({
      id: 'run-x',
      status: 'succeeded',
      exitCode: 0,
      planHash: 'abc',
      report: { counts: { create: 1 } },
    });
  });
});

describe('embedded default key', () => {
  it('creates a key file beside the SQLite database when SLUICE_SECRET_KEY is unset', async () => {
    const dir = tempDir();
    const s = await openStateStore({ url: `sqlite:${dir}/state.db`, secretKey: '' });
    await s.vault('x').put('n', { v: 1 });
    await s.close();
    const again = await openStateStore({ url: `sqlite:${dir}/state.db`, secretKey: '' });
    expect((await again.vault('x').get<{ v: number }>('n'))?.value).toEqual({ v: 1 });
    await again.close();
  });
});
