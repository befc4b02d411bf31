/** The inbox source against a real OpenSSH server: streaming, rejected rows, archive only after confirm. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfirmOutcome, DataRecord, RejectedRow, SourceResource } from '../../../engine/connector/types.js';
import { conformanceContext, memoryVault } from '../../../test/conformance/suite.js';
import { openConnection, type ResourceOpener } from '../../../engine/connector/dispatch.js';
import { sftpConnector, type SftpConnection } from '../index.js';
import { useSftpServer } from '../test-support.js';

const sftp = useSftpServer();

type Conn = SftpConnection & ResourceOpener;

async function withConnection<T>(vault: ReturnType<typeof memoryVault>, fn: (c: Conn) => Promise<T>): Promise<T> {
  const connection = await openConnection(sftpConnector, sftp.config(), conformanceContext({ credentials: vault }));
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

interface Read {
  records: DataRecord[];
  rejected: RejectedRow[];
  source: SourceResource;
}

async function readAll(c: Conn, options: DataRecord, pageSize = 1000): Promise<Read> {
  const source = c.source('inbox', options);
  const records: DataRecord[] = [];
  const rejected: RejectedRow[] = [];
  for await (const page of source.read({ pageSize, reject: (row) => rejected.push(row) })) records.push(...page);
  return { records, rejected, source };
}

const success = (records: DataRecord[], source: Read['source']): ConfirmOutcome[] =>
  records.map((r) => ({ sourceKey: String(r.id), record: source.confirmKeeps!(r), status: 'success' }));

describe('sftp inbox', () => {
  it('parks bad rows with file:line:col, goes on with the rest, and gives every record its file and line', async () => {
    const inbox = sftp.folder('bad-rows');
    sftp.write(join(inbox, 'remit.csv'), 'id,amount\na,1\nb,2,extra\n"c,3\nd,4\n');
    await withConnection(memoryVault(), async (c) => {
      const { records, rejected } = await readAll(c, { folder: inbox, archive: join(inbox, 'archive') });
      expect(records).toEqual([
        { id: 'a', amount: '1', _file: `${inbox}/remit.csv`, _line: 2 },
        { id: 'd', amount: '4', _file: `${inbox}/remit.csv`, _line: 5 },
      ]);
      expect(rejected.map((r) => [r.location, r.code, r.key])).toEqual([
        [`${inbox}/remit.csv:3:1`, 'FILE_CSV_FIELD_COUNT', 'b'],
        [`${inbox}/remit.csv:4:1`, 'FILE_CSV_QUOTE', undefined],
      ]);
      expect(rejected[0]!.raw).toBe('b,2,extra');
    });
  });

  it('moves a file to the archive only once every record of it has an outcome, and never reads it again', async () => {
    const inbox = sftp.folder('archive-after-confirm');
    const archive = join(inbox, 'done');
    sftp.write(join(inbox, 'p-1.jsonl'), '{"id":"a"}\n{"id":"b"}\n');
    sftp.write(join(inbox, 'p-2.jsonl'), '{"id":"c"}\n');
    sftp.write(join(inbox, '.p-3.jsonl'), '{"id":"uploading"}\n'); // a sender's temporary name
    const vault = memoryVault();
    const options = { folder: inbox, pattern: 'p-*.jsonl', archive };
    // A run that stops between apply and confirm: nothing moves.
    await withConnection(vault, async (c) => {
      const { records } = await readAll(c, options);
      expect(records.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    });
    expect(sftp.ls(inbox)).toEqual(['.p-3.jsonl', 'p-1.jsonl', 'p-2.jsonl']);
    // The next run reads both files again; one record of p-1 is still in doubt (no outcome): only p-2 moves.
    await withConnection(vault, async (c) => {
      const { records, source } = await readAll(c, options);
      expect(records.map((r) => r.id)).toEqual(['a', 'b', 'c']);
      await source.confirm!(
        success(
          records.filter((r) => r.id !== 'b'),
          source,
        ),
      );
    });
    expect(sftp.ls(inbox)).toEqual(['.p-3.jsonl', 'done', 'p-1.jsonl']);
    expect(sftp.ls(archive)).toEqual(['p-2.jsonl']);
    // Then p-1 completes (a failure, parked, counts as final) and moves too.
    await withConnection(vault, async (c) => {
      const { records, source } = await readAll(c, options);
      expect(records.map((r) => r.id)).toEqual(['a', 'b']);
      const [a, b] = success(records, source);
      await source.confirm!([a!, { ...b!, status: 'failure', message: 'parked' }]);
    });
    expect(sftp.ls(archive)).toEqual(['p-1.jsonl', 'p-2.jsonl']);
    // The same file dropped again (same name and content): recognised by its checksum, archived, not read.
    sftp.write(join(inbox, 'p-2.jsonl'), '{"id":"c"}\n');
    await withConnection(vault, async (c) => {
      expect((await readAll(c, options)).records).toEqual([]);
    });
    expect(sftp.ls(inbox)).toEqual(['.p-3.jsonl', 'done']);
    expect(sftp.ls(archive).length).toBe(3); // the second copy under a name with its checksum
  });

  it('after a crash between the ledger entry and the move, the next run archives the file without reading it', async () => {
    const inbox = sftp.folder('crash-before-move');
    const archive = join(inbox, 'archive');
    sftp.write(join(inbox, 'r.csv'), 'id\nx\ny\n');
    sftp.write(archive, 'a file where the archive folder should be: the move fails');
    const vault = memoryVault();
    const options = { folder: inbox, pattern: '*.csv', archive };
    await withConnection(vault, async (c) => {
      const { records, source } = await readAll(c, options);
      await source.confirm!(success(records, source)); // processed, but the move fails (logged)
    });
    expect(sftp.ls(inbox)).toContain('r.csv');
    const fixed = join(inbox, 'archive-2');
    await withConnection(vault, async (c) => {
      expect((await readAll(c, { ...options, archive: fixed })).records).toEqual([]);
    });
    expect(sftp.ls(fixed)).toEqual(['r.csv']);
  });

  it('a plan (dryRun) archives nothing, not even a file processed already', async () => {
    const inbox = sftp.folder('dry-run');
    sftp.write(join(inbox, 'x.jsonl'), '{"id":"x"}\n');
    const vault = memoryVault();
    const options = { folder: inbox, archive: join(inbox, 'archive') };
    await withConnection(vault, async (c) => {
      const { records, source } = await readAll(c, options);
      await source.confirm!(success(records, source));
    });
    sftp.write(join(inbox, 'x.jsonl'), '{"id":"x"}\n');
    await withConnection(vault, async (c) => {
      const source = c.source('inbox', options);
      for await (const page of source.read({ dryRun: true })) expect(page).toEqual([]);
    });
    expect(existsSync(join(inbox, 'x.jsonl'))).toBe(true);
  });

  it('streams a 100k-line file: the first page comes after a few reads, not after the whole file', async () => {
    const inbox = sftp.folder('big');
    const lines = ['id,invoice,amount'];
    for (let i = 0; i < 100_000; i++) lines.push(`p${i},INV-${i % 5000},${(i % 997) + 0.25}`);
    sftp.write(join(inbox, 'remit-big.csv'), lines.join('\n') + '\n');
    await withConnection(memoryVault(), async (c) => {
      const source = c.source('inbox', { folder: inbox, archive: join(inbox, 'archive') });
      let count = 0;
      let readsAtFirstPage: number | undefined;
      let largestPage = 0;
      for await (const page of source.read({ pageSize: 1000 })) {
        readsAtFirstPage ??= c.stats().calls?.read ?? 0;
        largestPage = Math.max(largestPage, page.length);
        count += page.length;
      }
      const reads = c.stats().calls?.read ?? 0;
      expect(count).toBe(100_000);
      expect(largestPage).toBe(1000);
      expect(reads, 'the file is read in many chunks').toBeGreaterThan(30);
      expect(readsAtFirstPage, 'the first page is yielded after the first chunk or two').toBeLessThanOrEqual(2);
    });
  });
});
