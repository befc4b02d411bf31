import { openConnection, type ResourceOpener } from '../../engine/connector/dispatch.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, DataRecord, TargetResource, WriteOp } from '../../engine/connector/types.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { sqlConnector } from './index.js';
import { BACKENDS, type TestDatabase } from './testing/databases.js';

const create = (code: string, extra: DataRecord = {}): WriteOp => ({
  op: 'create',
  key: code,
  record: { code, name: `Account ${code}`, ...extra },
});

describe.each(BACKENDS)('sql writes on $name: was anything committed (writeOutcome)', (backend) => {
  let db: TestDatabase;
  let conn: Connection & ResourceOpener;
  let target: TargetResource;

  beforeAll(async () => {
    db = await backend.create();
    conn = await openConnection(sqlConnector, db.config, conformanceContext());
  });
  afterAll(async () => {
    await conn.close();
    await db.cleanup();
  });
  beforeEach(async () => {
    await db.admin.schema.dropTableIfExists('acct');
    await db.admin.schema.createTable('acct', (t) => {
      t.string('code', 20).primary();
      t.string('name', 20).notNullable();
    });
    target = conn.target('table', { table: 'acct' }, { keyField: 'code', mode: 'upsert' });
  });

  const stored = async (code: string): Promise<boolean> =>
    (await db.admin('acct').where({ code }).first()) !== undefined;

  it('a statement the database refuses applied nothing (not-applied, final)', async () => {
    const [o] = await target.write([create('1', { name: null })]);
    expect(o!.error).toMatchObject({ code: 'SQL_CONSTRAINT', retryable: false, writeOutcome: 'not-applied' });
  });

  it('records refused before anything is sent are not-applied', async () => {
    const [o] = await target.write([{ op: 'create', key: 'x', record: { code: 'y', name: 'n' } }]);
    expect(o!.error).toMatchObject({ code: 'KEY_MISMATCH', writeOutcome: 'not-applied' });
  });

  if (backend.name === 'sqlite') {
    it('a COMMIT SQLite refuses (a deferred foreign key) is rolled back: not-applied, and the connection goes on', async () => {
      await db.admin.schema.dropTableIfExists('child');
      await db.admin.schema.dropTableIfExists('parent');
      await db.admin.raw('create table parent (code varchar(20) primary key)');
      await db.admin.raw(
        'create table child (code varchar(20) primary key, parent varchar(20) references parent(code) deferrable initially deferred)',
      );
      await db.admin('parent').insert({ code: 'P' });
      const child = conn.target('table', { table: 'child' }, { keyField: 'code', mode: 'upsert' });
      const outcomes = await child.write([
        { op: 'create', key: 'c1', record: { code: 'c1', parent: 'P' } },
        { op: 'create', key: 'c2', record: { code: 'c2', parent: 'nope' } },
      ]);
      // The batch failed at COMMIT, then each row alone: only the orphan fails, and nothing of it is stored.
      expect(outcomes[0]).toMatchObject({ ok: true });
      expect(outcomes[1]!.error).toMatchObject({
        code: 'SQL_CONSTRAINT',
        remoteCode: 'SQLITE_CONSTRAINT_FOREIGNKEY',
        writeOutcome: 'not-applied',
      });
      expect(await db.admin('child').orderBy('code').pluck('code')).toEqual(['c1']);
      expect((await target.write([create('after')]))[0]).toMatchObject({ ok: true });
    });
  }

  if (backend.name === 'mariadb') {
    it('the connection lost during the statement, before COMMIT: rolled back by the server, not-applied', async () => {
      await target.lookup(['warm']); // a pooled connection through the proxy
      const cut = db.proxy!.trap('insert into', 'drop');
      const [o] = await target.write([create('10')]);
      await cut;
      expect(o!.error).toMatchObject({ code: 'SQL_UNAVAILABLE', retryable: true, writeOutcome: 'not-applied' });
      expect(await stored('10')).toBe(false);
    });

    it('the answer to COMMIT lost after the server committed: unknown (and it was committed)', async () => {
      const lost = db.proxy!.trap('COMMIT', 'lose-answer');
      const [o] = await target.write([create('20')]);
      await lost;
      expect(o!.error).toMatchObject({ retryable: true, writeOutcome: 'unknown' });
      expect(o!.error!.message).toMatch(/during COMMIT/);
      expect(await stored('20')).toBe(true);
      expect((await target.write([create('21')]))[0]).toMatchObject({ ok: true }); // a new connection
    });

    it('the connection lost with COMMIT on its way: unknown too (here it was not committed: no one can tell)', async () => {
      const cut = db.proxy!.trap('COMMIT', 'drop');
      const [o] = await target.write([create('30')]);
      await cut;
      expect(o!.error).toMatchObject({ writeOutcome: 'unknown' });
      expect(await stored('30')).toBe(false);
    });

    it('a deadlock victim was rolled back: retryable and not-applied', async () => {
      const heavy = Array.from({ length: 50 }, (_, i) => ({ code: `H${i}`, name: 'heavy' }));
      await db.admin('acct').insert([...heavy, { code: 'A', name: 'a' }, { code: 'B', name: 'b' }]);
      const other = await db.admin.transaction();
      // The other transaction changes many rows (so the database picks our small one as the victim)
      // and holds B; our statement takes A, then waits for B; the other one then asks for A.
      await other('acct').where('code', 'like', 'H%').update({ name: 'changed' });
      await other('acct').where({ code: 'B' }).update({ name: 'held' });
      const write = target.write([create('A', { name: 'ours' }), create('B', { name: 'ours' })]);
      await waitUntilLocked(db, 'A');
      await other('acct').where({ code: 'A' }).update({ name: 'theirs' });
      await other.commit();
      const outcomes = await write;
      for (const o of outcomes)
        expect(o.error).toMatchObject({ code: 'SQL_DEADLOCK', retryable: true, writeOutcome: 'not-applied' });
      expect(await db.admin('acct').whereIn('code', ['A', 'B']).orderBy('code').pluck('name')).toEqual([
        'theirs',
        'held',
      ]);
    });
  }
});

/** Resolves once another transaction holds a lock on row `code` (a NOWAIT probe fails), awaiting the database, not a clock. */
async function waitUntilLocked(db: TestDatabase, code: string): Promise<void> {
  for (;;) {
    const probe = await db.admin.transaction();
    try {
      await probe.raw('select code from acct where code = ? for update nowait', [code]);
    } catch (err) {
      await probe.rollback();
      if ((err as { code?: string }).code === 'ER_LOCK_WAIT_TIMEOUT') return; // locked by someone else
      throw err;
    }
    await probe.rollback();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
