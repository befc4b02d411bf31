/**
 * End to end: pipelines/sap-b1-open-invoices-to-sftp.yaml (the nightly batch file) through the CLI
 * against the SAP Business One emulator and a real OpenSSH SFTP server (test/helpers/openssh.ts),
 * reached through a TCP proxy that cuts the connection in the middle of the upload. Checked: while
 * the file is being uploaded only `.<name>.part` exists — a reader watching the folder never sees
 * the final name with partial content; the cut run leaves no final-named file; the rerun delivers
 * the complete file once; a run on unchanged data writes no file (as the pipeline documents: upsert
 * against the ledger, a night with nothing new writes no file), and a changed invoice makes a file
 * with that invoice only. The pipeline is the shipped one with its folder pointed at the test
 * server's data folder (the login's home is /), as a deployment's connections differ.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startTcpProxy } from '../../../connectors/sql/testing/tcp-proxy.js';
import { demoEnvironment, pipelinePath, sluice, type RunReportJson } from '../../helpers/demo-env.js';
import type { Json } from '../../helpers/journal-entries.js';
import { chownToLogin, sftpConnection, startOpenSsh } from '../../helpers/openssh.js';
import { tempDir } from '../../helpers/tmp.js';

const PIPELINE = 'sap-b1-open-invoices-to-sftp';
const COLUMNS = [
  'erp_document_id',
  'number',
  'customer',
  'currency',
  'amount',
  'open_amount',
  'issue_date',
  'due_date',
  'customer_reference',
];
/** Open invoices beside the demo company's: ~300 kB of CSV, so the cut falls inside the upload. */
const EXTRA = 4_000;
const NAME = /^open-invoices-\d{8}-[0-9a-f]{8}\.csv$/;

/** What a reader listing the folder saw, on every change the file system reported. */
interface Observed {
  parts: Set<string>;
  /** Final-named files whose content was not a complete file when read. */
  partial: string[];
  finals: Set<string>;
}

/** Watches `folder` (inotify: events, not polling); each final-named file seen must be complete. */
function watchFolder(folder: string, complete: (text: string) => boolean): { seen: Observed; stop(): void } {
  const seen: Observed = { parts: new Set(), partial: [], finals: new Set() };
  const look = (): void => {
    for (const f of readdirSync(folder)) {
      if (f.endsWith('.part')) seen.parts.add(f);
      else if (NAME.test(f)) {
        let text: string;
        try {
          text = readFileSync(join(folder, f), 'utf8');
        } catch {
          continue; // gone between the listing and the read
        }
        seen.finals.add(f);
        if (!complete(text)) seen.partial.push(f);
      }
    }
  };
  const watcher: FSWatcher = watch(folder, look);
  return { seen, stop: () => watcher.close() };
}

describe(PIPELINE, async () => {
  const env = await demoEnvironment();
  const ssh = await startOpenSsh();
  const proxy = await startTcpProxy(ssh.port);
  afterAll(async () => {
    await proxy.close();
    await ssh.stop();
  });

  const outbox = join(ssh.root, 'inbound', 'invoices');
  mkdirSync(outbox, { recursive: true });
  chownToLogin(join(ssh.root, 'inbound'));
  chownToLogin(outbox);
  const dir = tempDir('sluice-invoices-sftp-');
  const pipeline = parse(readFileSync(pipelinePath(PIPELINE), 'utf8')) as { target: { options: Json } };
  pipeline.target.options.folder = outbox;
  const path = join(dir, `${PIPELINE}.yaml`);
  writeFileSync(path, stringify(pipeline));
  const conns = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, unknown> };
  conns.connections['ar-sftp'] = sftpConnection(ssh, {
    port: proxy.port,
    hostKey: { fingerprint: ssh.fingerprint },
    spoolDir: join(dir, 'spool'),
  });
  // big pages: the file's 4,000 invoices in a few reads
  conns.connections.b1 = { ...(conns.connections.b1 as Json), pageSize: 1000 };
  writeFileSync(env.connectionsPath, stringify(conns));

  const invoices = env.b1.state.Invoices as Map<string, Json>;
  const template = invoices.get('11')!;
  for (let i = 0; i < EXTRA; i++) {
    const doc = 1_001 + i;
    invoices.set(String(doc), {
      ...template,
      DocEntry: doc,
      DocNum: 30_000 + i,
      CardCode: 'C3002',
      DocTotal: 100 + i / 100,
      NumAtCard: `PO-${doc}`,
      DocumentLines: [{ ...(template.DocumentLines as Json[])[0], DocEntry: doc, LineTotal: 100 + i / 100 }],
    });
  }
  const openInvoices = (): Json[] =>
    [...invoices.values()].filter((i) => i.DocumentStatus === 'bost_Open' && i.Cancelled === 'tNO');
  const header = COLUMNS.join(',');
  const finals = (): string[] => readdirSync(outbox).filter((f) => NAME.test(f));
  const run = async (): Promise<RunReportJson> => {
    const r = await sluice(env, ['run', path, '--json']);
    try {
      return JSON.parse(r.stdout) as RunReportJson;
    } catch {
      throw new Error(`no JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
  };

  it('a connection cut mid-upload leaves only the partial .part; the rerun delivers the complete file once; a reader never sees a partial final file', async () => {
    const all = openInvoices();
    expect(all.length).toBe(12 + EXTRA);
    const complete = (text: string): boolean => text.split('\n').length === all.length + 2; // header, rows, final newline
    const watcher = watchFolder(outbox, complete);
    try {
      const cut = proxy.cutAfter(100_000); // the handshake and login are a few kB: the cut falls in the upload
      const first = await run();
      await cut;
      expect(first.status).toBe('failed');
      expect(first.error?.code).toBe('SFTP_UNAVAILABLE');
      expect(finals(), 'no final-named file after the cut').toEqual([]);
      const parts = readdirSync(outbox).filter((f) => f.endsWith('.part'));
      expect(parts).toHaveLength(1);
      expect(parts[0]).toMatch(/^\.open-invoices-\d{8}-[0-9a-f]{8}\.csv\.part$/);
      const partial = readFileSync(join(outbox, parts[0]!), 'utf8');
      expect(complete(partial)).toBe(false);

      const second = await run();
      expect(second.status).toBe('succeeded');
      expect(second.plan?.counts).toMatchObject({ create: 0, update: 0 }); // nothing new: only the staged file goes
      expect(finals()).toEqual([parts[0]!.slice(1, -'.part'.length)]); // under its original name
      expect(readdirSync(outbox).filter((f) => f.endsWith('.part'))).toEqual([]);
    } finally {
      watcher.stop();
    }
    expect(watcher.seen.parts.size).toBeGreaterThan(0);
    expect(watcher.seen.partial, 'a final-named file with partial content was visible').toEqual([]);

    const [name] = finals();
    const lines = readFileSync(join(outbox, name!), 'utf8').split('\n');
    expect(lines[0]).toBe(header);
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(all.length);
    expect(new Set(rows.map((r) => r.split(',')[0]))).toEqual(new Set(all.map((i) => String(i.DocEntry))));
    expect(rows).toContain('11,10011,C3001,USD,4999.99,4999.99,2024-04-23,2024-05-23,PO-4510');
    expect(rows).toContain('1001,30000,C3002,USD,100,100,2024-04-23,2024-05-23,PO-1001');
    expect(rows.some((r) => r.startsWith('13,') || r.startsWith('14,'))).toBe(false); // closed invoices are not in it
  }, 180_000);

  it('a run on unchanged data writes no file; a changed invoice makes a file with that invoice only', async () => {
    const before = finals();
    const same = await run();
    expect(same.status).toBe('succeeded');
    expect(same.plan?.counts).toMatchObject({ create: 0, update: 0 });
    expect(finals()).toEqual(before);

    invoices.get('3')!.DocDueDate = '2024-07-31';
    const changed = await run();
    expect(changed.status).toBe('succeeded');
    // delivered files belong to their reader, so the target does not hold the invoice: it is written again
    expect(changed.plan?.counts).toMatchObject({ create: 1, update: 0, noop: 12 + EXTRA - 1 });
    const added = finals().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(readFileSync(join(outbox, added[0]!), 'utf8')).toBe(
      `${header}\n3,10003,C3003,USD,980.25,980.25,2024-03-14,2024-07-31,PO-4502\n`,
    );
    expect(existsSync(join(outbox, `.${added[0]!}.part`))).toBe(false);
  }, 180_000);
});
