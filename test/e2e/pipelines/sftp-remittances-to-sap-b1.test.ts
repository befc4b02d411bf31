/**
 * End to end: pipelines/sftp-remittances-to-sap-b1.yaml through the CLI against a real OpenSSH SFTP
 * server (test/helpers/openssh.ts) and the SAP Business One emulator: a remittance file of 2,000
 * lines, streamed, posts exactly one incoming payment per line and is archived; a second run posts
 * nothing. The pipeline is the shipped one with its folders pointed at the test server's data folder
 * (the login's home is /, the data folder a temp dir), as a deployment's connections differ.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoEnvironment, sluice } from '../../helpers/demo-env.js';
import { startOpenSsh } from '../../helpers/openssh.js';
import { FIRST_INVOICE, prepareRemittance } from '../../helpers/remittance.js';
import { tempDir } from '../../helpers/tmp.js';

// The 100,000-line file is measured by `npm run bench` (remittance phase: time, peak RSS, requests);
// 2,000 lines prove the streaming and exactly-once path here.
const LINES = 2_000;

describe('sftp-remittances-to-sap-b1', async () => {
  const env = await demoEnvironment();
  const ssh = await startOpenSsh();
  afterAll(() => ssh.stop());

  it(`a ${LINES}-line remittance file posts each line exactly once and is archived`, async () => {
    const { path, file, archive } = await prepareRemittance(env, ssh, tempDir('sluice-remit-'), LINES);
    const b1 = env.b1.state.Invoices;

    const first = await sluice(env, ['run', path, '--json']);
    const report = JSON.parse(first.stdout) as { status: string; apply: Record<string, number> };
    expect(report.status, first.stderr).toBe('succeeded');
    expect(report.apply).toMatchObject({ created: LINES, failed: 0 });
    const refs = new Set<unknown>();
    for (const p of env.b1.state.IncomingPayments.values()) refs.add((p as Record<string, unknown>).Reference2);
    expect(refs.size).toBe(LINES);
    expect(env.b1.state.IncomingPayments.size).toBe(LINES);
    expect(b1.get(String(FIRST_INVOICE + LINES - 1))?.DocumentStatus).toBe('bost_Close');
    expect(existsSync(join(archive, 'remittance-20240603.csv'))).toBe(true);
    expect(existsSync(file)).toBe(false);

    const again = await sluice(env, ['run', path, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ plan: { counts: { create: 0 } } });
    expect(env.b1.state.IncomingPayments.size).toBe(LINES);
  }, 600_000);
});
