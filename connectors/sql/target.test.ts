import { openConnection, type ResourceOpener } from '../../engine/connector/dispatch.js';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, DataRecord, TargetResource, WriteOp } from '../../engine/connector/types.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { sqlConnector } from './index.js';
import { BACKENDS, type TestDatabase } from './testing/databases.js';

const update = (record: DataRecord): WriteOp => ({
  op: 'update',
  key: String(record.code),
  id: String(record.code),
  record,
  before: {},
  changes: [],
});
const remove = (id: string, action: 'delete' | 'deactivate' = 'delete'): WriteOp => ({
  op: 'delete',
  key: id,
  id,
  action,
  before: {},
});

describe.each(BACKENDS)('sql target on $name', (backend) => {
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
      t.string('company', 10).notNullable();
      t.string('name', 20).notNullable();
      t.string('note', 50).nullable();
      t.integer('active').notNullable().defaultTo(1);
    });
    target = conn.target(
      'table',
      { table: 'acct', where: { company: 'ACME' }, deactivate: { column: 'active', inactiveValue: 0, activeValue: 1 } },
      { keyField: 'code', mode: 'mirror' },
    );
  });

  const rec = (code: string, extra: DataRecord = {}): DataRecord => ({ code, name: `Account ${code}`, ...extra });
  const createOp = (r: DataRecord): WriteOp => ({ op: 'create', key: String(r.code), record: r });

  it('upserts a batch in one statement and sets the filter and active values', async () => {
    const before = conn.stats().apiCalls;
    const outcomes = await target.write(['1000', '2000', '3000'].map((c) => createOp(rec(c))));
    expect(outcomes).toEqual(['1000', '2000', '3000'].map((key) => ({ key, ok: true, id: key })));
    expect(conn.stats().apiCalls - before).toBe(1);
    expect(await db.admin('acct').orderBy('code')).toEqual([
      { code: '1000', company: 'ACME', name: 'Account 1000', note: null, active: 1 },
      { code: '2000', company: 'ACME', name: 'Account 2000', note: null, active: 1 },
      { code: '3000', company: 'ACME', name: 'Account 3000', note: null, active: 1 },
    ]);
  });

  it('falls back to one statement per row when a batch fails, so only the bad row fails', async () => {
    const ops = [
      createOp(rec('1')),
      createOp(rec('2', { name: 'this name is far too long for the column' })),
      createOp(rec('3')),
      createOp({ code: '4', name: null }),
    ];
    const outcomes = await target.write(ops);
    expect(outcomes.map((o) => o.ok)).toEqual([true, backend.name === 'sqlite', true, false]); // SQLite does not enforce lengths
    expect(outcomes[3]!.error).toMatchObject({ code: 'SQL_CONSTRAINT', retryable: false, recordKey: '4' });
    if (backend.name !== 'sqlite') expect(outcomes[1]!.error).toMatchObject({ retryable: false, recordKey: '2' });
    expect((await target.lookup(['1', '3'])).size).toBe(2);
  });

  it('rejects bad records before sending anything', async () => {
    const outcomes = await target.write([
      { op: 'create', key: 'x', record: { code: 'y', name: 'n' } },
      createOp(rec('5', { company: 'OTHER' })),
      createOp(rec('6', { note: { nested: true } })),
      remove('7', 'deactivate'),
    ]);
    expect(outcomes.map((o) => o.error?.code ?? 'ok')).toEqual([
      'KEY_MISMATCH',
      'SQL_OUTSIDE_FILTER',
      'SQL_UNSUPPORTED_VALUE',
      'ok',
    ]);
    const plain = conn.target('table', { table: 'acct' }, { keyField: 'code', mode: 'mirror' });
    expect((await plain.write([remove('7', 'deactivate')]))[0]!.error).toMatchObject({
      code: 'SQL_DEACTIVATE_NOT_CONFIGURED',
      retryable: false,
    });
  });

  it('updates only the columns a record carries (one statement per column set)', async () => {
    await target.write([createOp(rec('10', { note: 'keep me' })), createOp(rec('11', { note: 'and me' }))]);
    const outcomes = await target.write([
      update({ code: '10', name: 'Renamed' }),
      update({ code: '11', name: 'Also', note: 'changed' }),
    ]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const rows = await db.admin('acct').orderBy('code').select('code', 'name', 'note');
    expect(rows).toEqual([
      { code: '10', name: 'Renamed', note: 'keep me' },
      { code: '11', name: 'Also', note: 'changed' },
    ]);
  });

  it('only sees, lists and deletes rows inside its filter; deactivate and reactivate', async () => {
    await db.admin('acct').insert({ code: 'X1', company: 'OTHER', name: 'not ours' });
    await target.write([createOp(rec('20')), createOp(rec('21'))]);
    expect([...(await target.lookup(['20', 'X1'])).keys()]).toEqual(['20']);
    const listed = [];
    for await (const page of target.list!()) listed.push(...page.map((t) => t.key));
    expect(listed).toEqual(['20', '21']);
    expect((await target.write([remove('X1'), remove('21', 'deactivate')])).every((o) => o.ok)).toBe(true);
    expect(await db.admin('acct').where({ code: 'X1' }).first()).toBeDefined();
    expect((await target.lookup(['21'])).get('21')).toMatchObject({ active: false, record: { active: 0 } });
    await target.write([update(rec('21', { code: '21' }))]);
    expect((await target.lookup(['21'])).get('21')?.active).toBe(true);
    await target.write([remove('20')]);
    expect((await target.lookup(['20'])).size).toBe(0);
  });

  it('treats 0/1 flags and boolean deactivate values alike', async () => {
    await db.admin.schema.dropTableIfExists('flags');
    await db.admin.schema.createTable('flags', (t) => {
      t.string('code', 20).primary();
      t.boolean('enabled').notNullable();
    });
    const flags = conn.target(
      'table',
      { table: 'flags', deactivate: { column: 'enabled', inactiveValue: false, activeValue: true } },
      { keyField: 'code', mode: 'mirror' },
    );
    await flags.write([{ op: 'create', key: 'f', record: { code: 'f' } }]);
    expect((await flags.lookup(['f'])).get('f')?.active).toBe(true);
    await flags.write([remove('f', 'deactivate')]);
    expect((await flags.lookup(['f'])).get('f')?.active).toBe(false);
  });

  it('looks up many keys in chunks, exact matches only', async () => {
    const codes = Array.from({ length: 1200 }, (_, i) => `C${i}`);
    for (let i = 0; i < codes.length; i += 500)
      await target.write(codes.slice(i, i + 500).map((c) => createOp(rec(c))));
    const found = await target.lookup([...codes, 'c1', 'missing']);
    expect(found.size).toBe(1200);
    expect(found.has('c1')).toBe(false);
  });

  it('fails the whole write call as retryable, without a per-row fallback or more statements, when the database is locked', async () => {
    await target.write([createOp(rec('30'))]);
    let release: () => Promise<void>;
    if (backend.name === 'sqlite') {
      const other = new Database(db.file!);
      other.exec('BEGIN EXCLUSIVE');
      release = async () => {
        other.exec('ROLLBACK');
        other.close();
      };
    } else {
      const trx = await db.admin.transaction();
      await trx('acct').where({ code: '30' }).forUpdate();
      release = () => trx.rollback().then(() => undefined);
    }
    const before = conn.stats().apiCalls;
    // Two column sets: two statements, but the second is not attempted after the first timed out.
    const outcomes = await target.write([
      update(rec('30', { note: 'x' })),
      createOp(rec('31')),
      createOp(rec('32', { note: 'y' })),
    ]);
    await release();
    expect(outcomes.map((o) => [o.ok, o.error?.retryable])).toEqual([
      [false, true],
      [false, true],
      [false, true],
    ]);
    expect(outcomes[0]!.error?.code).toBe(backend.name === 'sqlite' ? 'SQL_BUSY' : 'SQL_LOCK_TIMEOUT');
    expect(outcomes.every((o) => o.error?.writeOutcome === 'not-applied')).toBe(true); // rolled back
    expect(conn.stats().apiCalls - before).toBe(1);
    expect((await target.write([update(rec('30', { note: 'x' }))]))[0]!.ok).toBe(true);
  });

  if (backend.name === 'mariadb') {
    it('reports a lost connection as retryable and reconnects afterwards', async () => {
      await target.lookup(['1']);
      await db.proxy!.cut();
      const lookupError = await target.lookup(['1']).catch((e: unknown) => e);
      const outcomes = await target.write([createOp(rec('40'))]);
      await db.proxy!.restore();
      expect(lookupError).toMatchObject({ code: 'SQL_UNAVAILABLE', retryable: true });
      expect(outcomes[0]).toMatchObject({ ok: false, error: { retryable: true, writeOutcome: 'not-applied' } });
      expect((await target.write([createOp(rec('40'))]))[0]!.ok).toBe(true);
    });

    it('matches keys exactly on a case-insensitive column', async () => {
      await db.admin.raw('alter table acct modify code varchar(20) collate utf8mb4_general_ci');
      await target.write([createOp(rec('ABC'))]);
      expect((await target.lookup(['abc'])).size).toBe(0);
      expect((await target.lookup(['ABC'])).size).toBe(1);
    });
  }
});
