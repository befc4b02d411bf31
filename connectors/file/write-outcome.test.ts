import { openConnection } from '../../engine/connector/dispatch.js';
import { readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection, DataRecord, TargetResource, WriteOp } from '../../engine/connector/types.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { fileConnector } from './index.js';

const dir = tempDir('sluice-file-outcome-');
const conns: Connection[] = [];
let handle: FileHandle; // the prototype of every FileHandle, to make one system call fail

beforeAll(async () => {
  writeFileSync(join(dir, 'probe'), '');
  const fh = await open(join(dir, 'probe'), 'r');
  handle = Object.getPrototypeOf(fh) as FileHandle;
  await fh.close();
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of conns.splice(0)) await c.close();
});

async function target(path: string): Promise<TargetResource> {
  const conn = await openConnection(fileConnector, { baseDir: dir }, conformanceContext());
  conns.push(conn);
  const t = conn.target('records', { path }, { keyField: 'id', mode: 'upsert' });
  await t.lookup(['warm']); // index read before any fault applies
  return t;
}

const create = (record: DataRecord): WriteOp => ({ op: 'create', key: String(record.id), record });
const update = (record: DataRecord): WriteOp => ({
  op: 'update',
  key: String(record.id),
  id: String(record.id),
  record,
  before: {},
  changes: [],
});
const errno = (code: string, syscall: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });

function seeded(name: string): { path: string; text: string } {
  const text = '{"id":"a","n":1}\n{"id":"b","n":2}\n';
  writeFileSync(join(dir, name), text);
  return { path: join(dir, name), text };
}

/** The next `write` stores only half of what it was given; the one after fails with ENOSPC. */
function halfThenDiskFull(): void {
  const real = handle.write as unknown as (...a: unknown[]) => Promise<unknown>;
  vi.spyOn(handle, 'write')
    .mockImplementationOnce(function (this: FileHandle, ...args: unknown[]) {
      const [buf, offset, length, position] = args as [Buffer, number, number, number];
      return real.call(this, buf, offset, Math.ceil(length / 2), position) as never;
    })
    .mockRejectedValueOnce(errno('ENOSPC', 'write'));
}

describe('file target: what a failed write left in the file (writeOutcome)', () => {
  it('the file cannot be created (a link into a directory that does not exist): not-applied', async () => {
    symlinkSync(join(dir, 'missing-dir', 'x.jsonl'), join(dir, 'dangling.jsonl'));
    const t = await target('dangling.jsonl');
    const [o] = await t.write([create({ id: 'a' })]);
    expect(o!.error).toMatchObject({ code: 'FILE_NOT_FOUND', writeOutcome: 'not-applied', retryable: false });
    expect(o!.error!.message).toMatch(/open for writing/);
  });

  it('a disk full after a short write, taken back: not-applied, the file as it was, the target goes on', async () => {
    const { path, text } = seeded('full.jsonl');
    const t = await target(path);
    halfThenDiskFull();
    const [o] = await t.write([create({ id: 'c', n: 3 })]);
    expect(o!.error).toMatchObject({ code: 'FILE_DISK_FULL', writeOutcome: 'not-applied' });
    expect(o!.error!.message).toMatch(/put back as it was/);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect((await t.write([create({ id: 'c', n: 3 })]))[0]).toMatchObject({ ok: true });
    expect(readFileSync(path, 'utf8')).toBe(`${text}{"id":"c","n":3}\n`);
  });

  it('a short write that cannot be taken back: unknown, part of the record is in the file', async () => {
    const { path, text } = seeded('partial.jsonl');
    const t = await target(path);
    halfThenDiskFull();
    vi.spyOn(handle, 'truncate').mockRejectedValueOnce(errno('EIO', 'ftruncate'));
    const [o] = await t.write([create({ id: 'c', n: 3 })]);
    expect(o!.error).toMatchObject({ writeOutcome: 'unknown' });
    expect(o!.error!.message).toMatch(/part of the append may remain/);
    const now = readFileSync(path, 'utf8');
    expect(now.startsWith(text) && now.length > text.length).toBe(true);
  });

  it('a close that reports a failed write (as NFS does): unknown', async () => {
    const { path } = seeded('close.jsonl');
    const t = await target(path);
    // close is a property of each handle: the append's write replaces it on the handle it writes to.
    const real = handle.write as unknown as (...a: unknown[]) => Promise<unknown>;
    vi.spyOn(handle, 'write').mockImplementationOnce(function (this: FileHandle, ...args: unknown[]) {
      const close = this.close.bind(this);
      this.close = async () => {
        await close();
        throw errno('EIO', 'close');
      };
      return real.apply(this, args) as never;
    });
    const [o] = await t.write([create({ id: 'c' })]);
    expect(o!.error).toMatchObject({ writeOutcome: 'unknown', retryable: true });
  });

  it('a journal fsync that fails: unknown, the update may not survive a crash', async () => {
    const { path, text } = seeded('journal-sync.jsonl');
    const t = await target(path);
    vi.spyOn(handle, 'sync').mockRejectedValueOnce(errno('EIO', 'fsync'));
    const [o] = await t.write([update({ id: 'a', n: 10 })]);
    expect(o!.error).toMatchObject({ writeOutcome: 'unknown' });
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a rewrite whose temp file cannot be fsynced: finish fails not-applied, the target untouched, the journal kept', async () => {
    const { path, text } = seeded('rewrite.jsonl');
    const t = await target(path);
    expect((await t.write([update({ id: 'a', n: 10 })]))[0]).toMatchObject({ ok: true });
    const real = handle.sync as unknown as () => Promise<void>;
    vi.spyOn(handle, 'sync').mockRejectedValueOnce(errno('EIO', 'fsync'));
    await expect(t.finish!()).rejects.toMatchObject({ writeOutcome: 'not-applied' });
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir)).toContain('.rewrite.jsonl.journal');
    expect((await t.lookup(['a'])).get('a')?.record).toEqual({ id: 'a', n: 10 }); // still acknowledged
    vi.spyOn(handle, 'sync').mockImplementation(function (this: FileHandle) {
      return real.call(this);
    });
    await t.finish!();
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a","n":10}\n{"id":"b","n":2}\n');
    expect(readdirSync(dir)).not.toContain('.rewrite.jsonl.journal');
  });

  it('a rewrite whose directory fsync fails after the rename: finish fails unknown, the new content is in place', async () => {
    const { path } = seeded('renamed.jsonl');
    const t = await target(path);
    expect((await t.write([update({ id: 'a', n: 10 })]))[0]).toMatchObject({ ok: true });
    const real = handle.sync as unknown as () => Promise<void>;
    vi.spyOn(handle, 'sync')
      .mockImplementationOnce(function (this: FileHandle) {
        return real.call(this);
      })
      .mockRejectedValueOnce(errno('EIO', 'fsync'));
    await expect(t.finish!()).rejects.toMatchObject({ writeOutcome: 'unknown' });
    expect(readFileSync(path, 'utf8')).toBe('{"id":"a","n":10}\n{"id":"b","n":2}\n');
  });

  it('records refused before writing say so', async () => {
    const { path } = seeded('refused.jsonl');
    const t = await target(path);
    const outcomes = await t.write([create({ id: 'a' }), { op: 'create', key: 'x', record: { id: 'y' } }]);
    expect(outcomes.map((o) => [o.error?.code, o.error?.writeOutcome])).toEqual([
      ['DUPLICATE_KEY', 'not-applied'],
      ['KEY_MISMATCH', 'not-applied'],
    ]);
  });
});
