/**
 * The SFTP remittance set-up shared by the end-to-end test and `npm run bench` (remittance phase):
 * N open invoices in the SAP Business One emulator, a remittance CSV of N lines (one payment per
 * invoice) in the test server's inbox, and the shipped pipelines/sftp-remittances-to-sap-b1.yaml with
 * its folders and `ar-sftp` connection pointed at that server.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PIPELINES_DIR, type DemoEnvironment } from '../../app/demo/environment.js';
import { writeRemittanceFile, type RemittanceLine } from '../../app/demo/remittance.js';
import { chownToLogin, sftpConnection, type OpenSshServer } from './openssh.js';

export const FIRST_INVOICE = 100_001;

export interface Remittance {
  /** The pipeline file (in `dir`, beside a link to pipelines/mappings). */
  path: string;
  /** The remittance file in the inbox, and the archive folder it moves to. */
  file: string;
  archive: string;
}

function* remittanceLines(n: number): Generator<RemittanceLine> {
  for (let i = 0; i < n; i++)
    yield {
      id: `R-${String(i).padStart(7, '0')}`,
      customer: 'C3001',
      date: '2024-06-03',
      amount: 10,
      currency: 'USD',
      bankReference: `LBX-${i}`,
      invoice: FIRST_INVOICE + i,
    };
}

/** Seeds the invoices, writes the file and the pipeline, and adds `ar-sftp` to the environment's connections. */
export async function prepareRemittance(
  env: DemoEnvironment,
  ssh: OpenSshServer,
  dir: string,
  lines: number,
): Promise<Remittance> {
  const invoices = env.b1.state.Invoices;
  const template = invoices.get('1')!;
  for (let i = 0; i < lines; i++) {
    const doc = FIRST_INVOICE + i;
    invoices.set(String(doc), {
      ...template,
      DocEntry: doc,
      DocNum: 200_000 + i,
      DocTotal: 10,
      DocumentStatus: 'bost_Open',
    });
  }
  const inbox = join(ssh.root, 'remittances');
  const archive = join(ssh.root, 'remittances-archive');
  mkdirSync(inbox);
  chownToLogin(inbox);
  const file = join(inbox, 'remittance-20240603.csv');
  await writeRemittanceFile(file, remittanceLines(lines));
  chownToLogin(file);

  mkdirSync(dir, { recursive: true });
  symlinkSync(join(PIPELINES_DIR, 'mappings'), join(dir, 'mappings'));
  const pipeline = parse(readFileSync(join(PIPELINES_DIR, 'sftp-remittances-to-sap-b1.yaml'), 'utf8')) as {
    source: { options: Record<string, unknown> };
  };
  pipeline.source.options = { ...pipeline.source.options, folder: inbox, archive };
  const path = join(dir, 'sftp-remittances-to-sap-b1.yaml');
  writeFileSync(path, stringify(pipeline));
  const conns = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, unknown> };
  conns.connections['ar-sftp'] = sftpConnection(ssh);
  writeFileSync(env.connectionsPath, stringify(conns));
  return { path, file, archive };
}
