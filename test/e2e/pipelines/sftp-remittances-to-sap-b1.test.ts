/**
 * End to end: pipelines/sftp-remittances-to-sap-b1.yaml through the CLI against a real OpenSSH SFTP
 * server (test/helpers/openssh.ts) and the SAP Business One emulator: a remittance file of 2,000
 * lines, streamed, posts exactly one incoming payment per line and is archived; a second run posts
 * nothing. The pipeline is the shipped one with its folders pointed at the test server's data folder
 * (the login's home is /, the data folder a temp dir), as a deployment's connections differ.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { demoEnvironment, PIPELINES_DIR, pipelinePath, sluice } from '../../helpers/demo-env.js';
import { chownToLogin, startOpenSsh } from '../../helpers/openssh.js';
import { tempDir } from '../../helpers/tmp.js';

// The 100,000-line file is measured by `npm run bench` (remittance phase: time, peak RSS, requests); 2,000 lines prove the streaming and exactly-once path here.
const LINES = 2_000;

describe('sftp-remittances-to-sap-b1', async () => {
  const env = await demoEnvironment();
  const ssh = await startOpenSsh();
  afterAll(() => ssh.stop());

  it(`a ${LINES}-line remittance file posts each line exactly once and is archived`, async () => {
    // open invoices 1001.. for the lines (one invoice each), beside the demo company's
    const b1 = env.b1.state.Invoices as Map<string, Record<string, unknown>>;
    const template = b1.get('1')!;
    for (let i = 0; i < LINES; i++) {
      const doc = 100_001 + i;
      b1.set(String(doc), {
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
    const out = createWriteStream(file);
    out.write('remittance_id,customer,received_date,amount,currency,bank_reference,invoice\n');
    for (let i = 0; i < LINES; i++)
      if (!out.write(`R-${String(i).padStart(6, '0')},C3001,2024-06-03,10.00,USD,LBX-${i},${100_001 + i}\n`))
        await once(out, 'drain');
    out.end();
    await once(out, 'close');
    chownToLogin(file);

    const dir = tempDir('sluice-remit-');
    symlinkSync(join(PIPELINES_DIR, 'mappings'), join(dir, 'mappings'));
    const pipeline = parse(readFileSync(pipelinePath('sftp-remittances-to-sap-b1'), 'utf8')) as Record<string, any>;
    pipeline.source.options = { ...pipeline.source.options, folder: inbox, archive };
    const path = join(dir, 'sftp-remittances-to-sap-b1.yaml');
    writeFileSync(path, stringify(pipeline));
    const conns = parse(readFileSync(env.connectionsPath, 'utf8')) as { connections: Record<string, unknown> };
    conns.connections['ar-sftp'] = {
      connector: 'sftp',
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKey: `\${file:${ssh.privateKeyPath}}`,
      hostKey: { knownHosts: ssh.knownHostsPath },
    };
    writeFileSync(env.connectionsPath, stringify(conns));

    const first = await sluice(env, ['run', path, '--json']);
    const report = JSON.parse(first.stdout) as { status: string; apply: Record<string, number> };
    expect(report.status, first.stderr).toBe('succeeded');
    expect(report.apply).toMatchObject({ created: LINES, failed: 0 });
    const refs = new Set<unknown>();
    for (const p of env.b1.state.IncomingPayments.values()) refs.add((p as Record<string, unknown>).Reference2);
    expect(refs.size).toBe(LINES);
    expect(env.b1.state.IncomingPayments.size).toBe(LINES);
    expect(b1.get(String(100_001 + LINES - 1))?.DocumentStatus).toBe('bost_Close');
    expect(existsSync(join(archive, 'remittance-20240603.csv'))).toBe(true);
    expect(existsSync(file)).toBe(false);

    const again = await sluice(env, ['run', path, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ plan: { counts: { create: 0 } } });
    expect(env.b1.state.IncomingPayments.size).toBe(LINES);
  }, 600_000);
});
