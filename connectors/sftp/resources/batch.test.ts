/** The batch target against a real OpenSSH server: staged, delivered whole, once, also after a dropped upload. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataRecord, WriteOp } from '../../../engine/connector/types.js';
import type { SluiceError } from '../../../engine/errors.js';
import { conformanceContext } from '../../../test/conformance/suite.js';
import { startTcpProxy } from '../../sql/testing/tcp-proxy.js';
import type { SftpConfig } from '../config.js';
import { openConnection, type ResourceOpener } from '../../../engine/connector/dispatch.js';
import { sftpConnector, type SftpConnection } from '../index.js';
import { useSftpServer } from '../test-support.js';

const sftp = useSftpServer();
const FIXED = { now: () => Date.parse('2026-03-05T06:07:08Z'), sleep: () => Promise.resolve() };

function open(config: SftpConfig): Promise<SftpConnection & ResourceOpener> {
  return openConnection(sftpConnector, config, conformanceContext({ clock: FIXED }));
}

const creates = (records: DataRecord[]): WriteOp[] =>
  records.map((record) => ({ op: 'create', key: String(record.id), record }));

function invoices(n: number): DataRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `INV-${i}`,
    customer: `C${i % 40}`,
    amount: String(100 + i),
    memo: 'x'.repeat(40),
  }));
}

/** Files in the spool folder's batch subfolders (what is staged, not delivered). */
function staged(spool: string): string[] {
  return readdirSync(spool).flatMap((d) => readdirSync(join(spool, d)).filter((f) => f !== 'target.json'));
}

describe('sftp batch', () => {
  it('stages writes locally and delivers one complete file at finish, under its rendered name, with no temporary left', async () => {
    const outbox = sftp.folder('outbox-basic');
    const spool = sftp.spool();
    const c = await open(sftp.config({ spoolDir: spool }));
    try {
      const target = c.target(
        'batch',
        { folder: outbox, name: 'invoices-{date}-{time}.csv' },
        { keyField: 'id', mode: 'create' },
      );
      const outcomes = await target.write(creates(invoices(3)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(sftp.ls(outbox), 'nothing is visible before the run finishes').toEqual([]);
      expect((await target.lookup(['INV-1'])).get('INV-1')?.record).toMatchObject({ customer: 'C1' });
      await target.finish!();
      expect(sftp.ls(outbox)).toEqual(['invoices-20260305-060708.csv']);
      expect(sftp.read(join(outbox, 'invoices-20260305-060708.csv'))).toBe(
        'id,customer,amount,memo\n' +
          invoices(3)
            .map((r) => Object.values(r).join(','))
            .join('\n') +
          '\n',
      );
      expect(staged(spool)).toEqual([]);
      expect(c.stats().calls?.upload).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('a dropped connection mid-upload leaves no final-named file; the next run delivers the batch exactly once', async () => {
    const outbox = sftp.folder('outbox-drop');
    const spool = sftp.spool();
    const proxy = await startTcpProxy(sftp.server().port);
    const options = { folder: outbox, name: 'remit-{run}.jsonl' };
    const records = invoices(3000); // ~300 kB: the cut falls inside the upload
    try {
      const first = await open(
        sftp.config({ port: proxy.port, hostKey: { fingerprint: sftp.server().fingerprint }, spoolDir: spool }),
      );
      try {
        const target = first.target('batch', options, { keyField: 'id', mode: 'create' });
        for (let i = 0; i < records.length; i += 1000) await target.write(creates(records.slice(i, i + 1000)));
        // Connected first (a listing), so the cut counts upload bytes, not the handshake.
        for await (const page of first.source('inbox', { folder: outbox, archive: `${outbox}/a` }).read({
          dryRun: true,
        }))
          void page;
        const cut = proxy.cutAfter(100_000);
        const failed = await target.finish!().then(
          () => undefined,
          (err: unknown) => err as SluiceError,
        );
        await cut;
        expect(failed?.code).toBe('SFTP_UNAVAILABLE');
        expect(failed?.retryable).toBe(true);
      } finally {
        await first.close();
      }
      expect(
        sftp.ls(outbox).filter((f) => !f.startsWith('.')),
        'no final-named file',
      ).toEqual([]);
      const [name] = staged(spool);
      expect(name).toMatch(/^remit-[0-9a-f]{8}\.jsonl$/);

      // The next run (direct connection) writes nothing new and delivers the staged batch under its name.
      const next = await open(sftp.config({ spoolDir: spool }));
      try {
        const target = next.target('batch', options, { keyField: 'id', mode: 'create' });
        expect(
          (await target.lookup(['INV-2999'])).has('INV-2999'),
          'the staged records are what the target holds',
        ).toBe(true);
        await target.finish!();
      } finally {
        await next.close();
      }
      expect(sftp.ls(outbox)).toEqual([name]);
      const lines = sftp.read(join(outbox, name!)).trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as DataRecord).id)).toEqual(records.map((r) => r.id));
      expect(staged(spool)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a batch whose rename answer was lost is recognised by size and checksum, and not sent again', async () => {
    const outbox = sftp.folder('outbox-lost-ack');
    const spool = sftp.spool();
    const options = { folder: outbox, name: 'b-{date}.jsonl' };
    const c = await open(sftp.config({ spoolDir: spool }));
    try {
      const target = c.target('batch', options, { keyField: 'id', mode: 'create' });
      await target.write(creates(invoices(2)));
      await c.close();
      // What the server holds when the rename went through and only its answer was lost:
      sftp.write(
        join(outbox, 'b-20260305.jsonl'),
        invoices(2)
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n',
      );
    } finally {
      await c.close();
    }
    const next = await open(sftp.config({ spoolDir: spool }));
    try {
      await next.target('batch', options, { keyField: 'id', mode: 'create' }).finish!();
      expect(next.stats().calls?.upload).toBeUndefined();
    } finally {
      await next.close();
    }
    expect(staged(spool)).toEqual([]);
    expect(sftp.ls(outbox)).toEqual(['b-20260305.jsonl']);
  });

  it('refuses to overwrite another file under the batch name: the batch stays staged, the error says what to do', async () => {
    const outbox = sftp.folder('outbox-taken');
    const spool = sftp.spool();
    sftp.write(join(outbox, 'b-20260305.jsonl'), '{"id":"someone else"}\n');
    const c = await open(sftp.config({ spoolDir: spool }));
    try {
      const target = c.target('batch', { folder: outbox, name: 'b-{date}.jsonl' }, { keyField: 'id', mode: 'create' });
      await target.write(creates(invoices(1)));
      const err = await target.finish!().then(
        () => undefined,
        (e: unknown) => e as SluiceError,
      );
      expect(err?.code).toBe('SFTP_BATCH_NAME_TAKEN');
      expect(err?.message).toMatch(/put \{run\} or \{time\}/);
    } finally {
      await c.close();
    }
    expect(staged(spool)).toEqual(['b-20260305.jsonl']);
    expect(sftp.read(join(outbox, 'b-20260305.jsonl'))).toBe('{"id":"someone else"}\n');
  });

  it('refuses an unknown placeholder in the name when the target is opened', async () => {
    const c = await open(sftp.config({ spoolDir: sftp.spool() }));
    try {
      expect(() =>
        c.target('batch', { folder: '/x', name: 'b-{day}.csv' }, { keyField: 'id', mode: 'create' }),
      ).toThrow(/unknown placeholder\(s\) \{day\}/);
    } finally {
      await c.close();
    }
  });
});
