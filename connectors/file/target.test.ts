import { openConnection } from '../../engine/connector/dispatch.js';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, DataRecord, TargetResource, WriteOp } from '../../engine/connector/types.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { fileConnector } from './index.js';

const dir = tempDir('sluice-file-target-');
const open: Connection[] = [];

async function target(path: string, extra: DataRecord = {}): Promise<{ t: TargetResource; conn: Connection }> {
  const conn = await openConnection(fileConnector, { baseDir: dir }, conformanceContext());
  open.push(conn);
  return { t: conn.target('records', { path, ...extra }, { keyField: 'id', mode: 'upsert' }), conn };
}

afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

const create = (record: DataRecord): WriteOp => ({ op: 'create', key: String(record.id), record });
const update = (record: DataRecord): WriteOp => ({
  op: 'update',
  key: String(record.id),
  id: String(record.id),
  record,
  before: {},
  changes: [],
});
const del = (id: string): WriteOp => ({ op: 'delete', key: id, id, action: 'delete', before: {} });

describe('file target', () => {
  it('creates the file (and its directory), appends one line per record, and a fresh connection finds them', async () => {
    const { t, conn } = await target('new/dir/a.jsonl');
    const outcomes = await t.write([create({ id: 'a', n: 1 }), create({ id: 'b', n: 2 })]);
    expect(outcomes).toEqual([
      { key: 'a', ok: true, id: 'a' },
      { key: 'b', ok: true, id: 'b' },
    ]);
    await t.write([create({ id: 'c', n: 3 })]);
    expect(readFileSync(join(dir, 'new/dir/a.jsonl'), 'utf8')).toBe(
      '{"id":"a","n":1}\n{"id":"b","n":2}\n{"id":"c","n":3}\n',
    );
    expect(conn.stats().calls).toMatchObject({ index: 1, append: 2 });
    const again = await target('new/dir/a.jsonl');
    const found = await again.t.lookup(['c', 'a', 'zz']);
    expect([...found.keys()].sort()).toEqual(['a', 'c']);
    expect(found.get('c')).toEqual({ key: 'c', id: 'c', record: { id: 'c', n: 3 } });
  });

  it('appends after a last line without a newline', async () => {
    writeFileSync(join(dir, 'nonl.jsonl'), '{"id":"x"}');
    const { t } = await target('nonl.jsonl');
    await t.write([create({ id: 'y' })]);
    expect(readFileSync(join(dir, 'nonl.jsonl'), 'utf8')).toBe('{"id":"x"}\n{"id":"y"}\n');
    expect((await t.lookup(['x', 'y'])).size).toBe(2);
  });

  it('appends into an existing pretty-printed JSON array and keeps it valid', async () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ id: 'x', deep: { a: [1] } }], null, 2) + '\n\n');
    const { t } = await target('a.json');
    await t.write([create({ id: 'y', s: 'with ] and }' }), create({ id: 'z' })]);
    await t.write([create({ id: 'w' })]);
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))).toEqual([
      { id: 'x', deep: { a: [1] } },
      { id: 'y', s: 'with ] and }' },
      { id: 'z' },
      { id: 'w' },
    ]);
    expect((await t.lookup(['x', 'y', 'w'])).get('y')?.record).toEqual({ id: 'y', s: 'with ] and }' });
    writeFileSync(join(dir, 'empty.json'), '[]');
    const e = await target('empty.json');
    await e.t.write([create({ id: 'only' })]);
    expect(JSON.parse(readFileSync(join(dir, 'empty.json'), 'utf8'))).toEqual([{ id: 'only' }]);
  });

  it('writes the CSV header once, quotes as needed, and reads quoted values back', async () => {
    const { t } = await target('out.csv');
    await t.write([create({ id: '1', note: 'a, "b"\nc' })]);
    await t.write([create({ id: '2', note: 'plain' })]);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('id,note\n1,"a, ""b""\nc"\n2,plain\n');
    const found = await (await target('out.csv')).t.lookup(['1', '2']);
    expect(found.get('1')?.record).toEqual({ id: '1', note: 'a, "b"\nc' });
    const outcomes = await t.write([
      create({ id: '3', other: 'x' }),
      create({ id: '4', note: { nested: true } }),
      create({ id: '5', note: true }),
    ]);
    expect(outcomes.map((o) => [o.ok, o.error?.code])).toEqual([
      [false, 'CSV_UNKNOWN_COLUMN'],
      [false, 'RECORD_NOT_SERIALISABLE'],
      [true, undefined],
    ]);
  });

  it('rewrites atomically for updates and deletes, keeping other records byte for byte and the file mode', async () => {
    const path = join(dir, 'rw.jsonl');
    writeFileSync(path, '{ "id": "a",  "keep": "spacing" }\n{"id":"b","n":1}\n{"id":"c","n":2}\n');
    chmodSync(path, 0o640);
    const { t } = await target('rw.jsonl');
    const outcomes = await t.write([update({ id: 'b', n: 10 }), del('c'), del('gone'), create({ id: 'd' })]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    // Until the run finishes, the file holds what it held plus the appended create; the journal the rest.
    expect(readFileSync(path, 'utf8')).toBe(
      '{ "id": "a",  "keep": "spacing" }\n{"id":"b","n":1}\n{"id":"c","n":2}\n{"id":"d"}\n',
    );
    expect([...(await t.lookup(['a', 'b', 'c', 'd'])).keys()].sort()).toEqual(['a', 'b', 'd']);
    await t.finish!();
    expect(readFileSync(path, 'utf8')).toBe('{ "id": "a",  "keep": "spacing" }\n{"id":"b","n":10}\n{"id":"d"}\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.rw.jsonl'))).toEqual([]);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const found = await t.lookup(['a', 'b', 'c', 'd']);
    expect([...found.keys()].sort()).toEqual(['a', 'b', 'd']);
    await t.write([update({ id: 'a', extra: true })]);
    expect((await t.lookup(['a'])).get('a')?.record).toEqual({ id: 'a', keep: 'spacing', extra: true });
  });

  it('rewrites the file once per run, whatever the number of updates and deletes', async () => {
    const path = join(dir, 'many.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},name ${i}`);
    writeFileSync(path, `id,name\n${rows.join('\n')}\n`);
    const { t, conn } = await target('many.csv');
    const calls = (): Record<string, number> => conn.stats().calls ?? {};
    for (let b = 0; b < 6; b++) {
      const ops: WriteOp[] = Array.from({ length: 500 }, (_, i) => b * 500 + i)
        .filter((n) => n % 5 === 0)
        .map((n) => (n % 10 === 0 ? update({ id: String(n), name: `renamed ${n}` }) : del(String(n))));
      ops.push(create({ id: `new${b}`, name: `new ${b}` }));
      expect((await t.write(ops)).every((o) => o.ok)).toBe(true);
    }
    expect(calls().rewrite).toBeUndefined();
    expect(calls().journal).toBe(6);
    const seen = await t.lookup(['0', '5', '10', '11', 'new5']);
    expect([...seen.keys()].sort()).toEqual(['0', '10', '11', 'new5']);
    expect(seen.get('10')?.record).toEqual({ id: '10', name: 'renamed 10' });
    const listed = [];
    for await (const page of t.list!()) listed.push(...page);
    expect(listed).toHaveLength(3000 - 300 + 6);
    await t.finish!();
    expect(calls().rewrite).toBe(1);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 3000 - 300 + 6);
    expect(lines.slice(0, 4)).toEqual(['id,name', '0,renamed 0', '1,name 1', '2,name 2']);
    expect(lines.includes('5,name 5')).toBe(false);
    await t.finish!(); // nothing left to apply: no second rewrite
    await conn.close();
    expect(calls().rewrite).toBe(1);
  });

  it('a journal left by a run that died is read by the next connection and rewritten by its finish', async () => {
    const path = join(dir, 'died.jsonl');
    writeFileSync(path, '{"id":"a","n":1}\n{"id":"b","n":2}\n');
    const dying = await openConnection(fileConnector, { baseDir: dir }, conformanceContext()); // never closed
    const t1 = dying.target('records', { path: 'died.jsonl' }, { keyField: 'id', mode: 'mirror' });
    expect((await t1.write([update({ id: 'a', n: 10 }), del('b')])).every((o) => o.ok)).toBe(true);
    expect((await t1.write([create({ id: 'b', n: 3 })])).every((o) => o.ok)).toBe(true); // re-created after its delete
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a","n":1}\n{"id":"b","n":2}\n');
    const { t } = await target('died.jsonl');
    const found = await t.lookup(['a', 'b']);
    expect(found.get('a')?.record).toEqual({ id: 'a', n: 10 });
    expect(found.get('b')?.record).toEqual({ id: 'b', n: 3 });
    await t.finish!();
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a","n":10}\n{"id":"b","n":3}\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.died.jsonl'))).toEqual([]);
  });

  it('an update that cannot be encoded fails alone and keeps the stored record', async () => {
    const path = join(dir, 'bad-update.jsonl');
    writeFileSync(path, '{"id":"1","s":"a"}\n{"id":"2","s":"b"}\n', 'latin1');
    const { t } = await target('bad-update.jsonl', { encoding: 'latin1' });
    const outcomes = await t.write([update({ id: '1', s: 'snow ☃' }), update({ id: '2', s: 'café' })]);
    expect(outcomes.map((o) => [o.error?.code ?? 'ok', o.error?.writeOutcome])).toEqual([
      ['RECORD_NOT_ENCODABLE', 'not-applied'],
      ['ok', undefined],
    ]);
    await t.finish!();
    expect(readFileSync(path, 'latin1')).toBe('{"id":"1","s":"a"}\n{"id":"2","s":"café"}\n');
  });

  it('fails bad ops alone: duplicate create, update of a missing key, deactivate, key mismatch, unserialisable', async () => {
    const { t } = await target('ops.jsonl');
    await t.write([create({ id: 'a' })]);
    const circular: DataRecord = { id: 'f' };
    circular.self = circular;
    const outcomes = await t.write([
      create({ id: 'a' }),
      update({ id: 'missing' }),
      { op: 'delete', key: 'b', id: 'b', action: 'deactivate', before: {} },
      { op: 'create', key: 'x', record: { id: 'y' } },
      { op: 'create', key: 'k', record: { name: 'no id' } },
      create(circular),
      create({ id: 'ok' }),
    ]);
    expect(outcomes.map((o) => o.error?.code ?? 'ok')).toEqual([
      'DUPLICATE_KEY',
      'NOT_FOUND',
      'UNSUPPORTED_DELETE_ACTION',
      'KEY_MISMATCH',
      'KEY_MISSING',
      'RECORD_NOT_SERIALISABLE',
      'ok',
    ]);
    expect(outcomes.every((o) => o.ok || o.error?.retryable === false)).toBe(true);
    expect(outcomes[0]!.error?.recordKey).toBe('a');
    expect([...(await t.lookup(['a', 'ok', 'f'])).keys()].sort()).toEqual(['a', 'ok']);
  });

  it('rejects a record latin1 cannot represent, alone', async () => {
    const { t } = await target('l1.jsonl', { encoding: 'latin1' });
    const outcomes = await t.write([create({ id: '1', s: 'café' }), create({ id: '2', s: 'snow ☃' })]);
    expect(outcomes.map((o) => o.error?.code ?? 'ok')).toEqual(['ok', 'RECORD_NOT_ENCODABLE']);
    expect(readFileSync(join(dir, 'l1.jsonl'), 'latin1')).toBe('{"id":"1","s":"café"}\n');
    expect((await (await target('l1.jsonl', { encoding: 'latin1' })).t.lookup(['1'])).get('1')?.record.s).toBe('café');
  });

  it('rescans when the file changed behind its back', async () => {
    const path = join(dir, 'ext.jsonl');
    const { t } = await target('ext.jsonl');
    await t.write([create({ id: 'a' }), create({ id: 'b' })]);
    writeFileSync(path, '{"id":"zzz","pad":"shift everything"}\n{"id":"b"}\n{"id":"a"}\n');
    const found = await t.lookup(['a', 'b']);
    expect(found.get('a')?.record).toEqual({ id: 'a' });
    expect(found.size).toBe(2);
  });

  it('notices a file that grew behind its back before appending', async () => {
    const path = join(dir, 'grown.jsonl');
    const { t } = await target('grown.jsonl');
    await t.write([create({ id: 'a' })]);
    writeFileSync(path, readFileSync(path, 'utf8') + '{"id":"ext"}\n');
    await t.write([create({ id: 'b' })]);
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a"}\n{"id":"ext"}\n{"id":"b"}\n');
    expect([...(await t.lookup(['a', 'b', 'ext'])).keys()].sort()).toEqual(['a', 'b', 'ext']);
    expect((await t.write([create({ id: 'ext' })]))[0]!.error?.code).toBe('DUPLICATE_KEY');
  });

  it('serialises concurrent write calls', async () => {
    const { t } = await target('concurrent.jsonl');
    const batches = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => create({ id: `${b}-${i}` })),
    );
    const results = await Promise.all(
      batches.map((ops, b) => (b % 3 === 2 ? t.write([...ops, update({ id: '0-0', b })]) : t.write(ops))),
    );
    expect(results.flat().every((o) => o.ok)).toBe(true);
    const lines = readFileSync(join(dir, 'concurrent.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(200);
    expect((await t.lookup(batches.flat().map((o) => o.key))).size).toBe(200);
  });

  it('fails every op of a call with a final error when the file cannot be written', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const { t } = await target('a-file/below.jsonl');
    const outcomes = await t.write([create({ id: '1' }), create({ id: '2' })]);
    expect(outcomes.map((o) => [o.ok, o.error?.retryable])).toEqual([
      [false, false],
      [false, false],
    ]);
  });

  it('lists nothing for a target file that does not exist yet, and every keyed record otherwise', async () => {
    const { t } = await target('never.jsonl');
    const pages: unknown[] = [];
    for await (const p of t.list!()) pages.push(p);
    expect(pages).toEqual([]);
    writeFileSync(join(dir, 'listed.jsonl'), '{"id":"a"}\n{"nokey":1}\n{"id":2}\n');
    const l = await target('listed.jsonl');
    const all = [];
    for await (const p of l.t.list!()) all.push(...p);
    expect(all).toEqual([
      { key: 'a', id: 'a', record: { id: 'a' } },
      { key: '2', id: '2', record: { id: 2 } },
    ]);
  });

  it('fails loudly on a corrupt target file, in lookups, writes and lists, and leaves it untouched', async () => {
    const files = {
      'corrupt.jsonl': '{"id":"a"}\n{"id":"b",\n{"id":"c"}\n',
      'corrupt.csv': 'id,n\na,1\nb,2,3\nc,3\n',
      'corrupt.json': Buffer.from('[{"id":"a"},\n {"id":"b","n":"caf\xe9"},\n {"id":"c"}]', 'latin1'),
    };
    const expected = {
      'corrupt.jsonl': { code: 'FILE_JSON_INVALID', location: { line: 2, col: 1 } },
      'corrupt.csv': { code: 'FILE_CSV_FIELD_COUNT', location: { line: 3, col: 1 } },
      'corrupt.json': { code: 'FILE_INVALID_UTF8', location: { line: 2, col: 2 } },
    };
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
      const want = expected[name as keyof typeof expected];
      const { t } = await target(name);
      await expect(t.lookup(['c']), name).rejects.toMatchObject({ ...want, retryable: false });
      const outcomes = await t.write([create({ id: 'd', n: '4' }), update({ id: 'a', n: '9' })]);
      expect(
        outcomes.map((o) => [o.ok, o.error?.code]),
        name,
      ).toEqual([
        [false, want.code],
        [false, want.code],
      ]);
      const listed = (async () => {
        for await (const page of t.list!()) void page;
      })();
      await expect(listed, name).rejects.toMatchObject(want);
      expect(readFileSync(join(dir, name)), name).toEqual(Buffer.from(content));
    }
  });

  it('indexes and looks up 100k records with one scan', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ id: `k${i}`, n: i }));
    writeFileSync(join(dir, 'big.jsonl'), lines.join('\n') + '\n');
    const { t, conn } = await target('big.jsonl');
    for (let b = 0; b < 20; b++) {
      const keys = Array.from({ length: 500 }, (_, i) => `k${(b * 4999 + i * 197) % 100_000}`);
      const found = await t.lookup(keys);
      expect(found.size).toBe(new Set(keys).size);
      expect(found.get(keys[3]!)?.record.id).toBe(keys[3]);
    }
    expect(conn.stats().calls).toMatchObject({ index: 1, lookup: 20 });
  });
});
