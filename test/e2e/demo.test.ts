/** The README's main command: `sluice demo` through the CLI, as a subprocess. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ensureInstalled } from '../helpers/openssh.js';
import { tempDir } from '../helpers/tmp.js';
import { DEMO_PIPELINES, DEMO_SFTP_PIPELINES } from '../../app/demo/pipelines.js';
import { DEMO_REMITTANCE, DEMO_REMITTANCE_FILE } from '../../app/demo/remittance.js';
import { readTrafficFile } from '../../engine/emulator-kit/recorder.js';
import { checkTraffic, formatMismatches } from '../contract/check.js';
import { formatOpenFindings, triage } from '../contract/open-findings.js';

/** The remittance payments SAP Business One holds, from the emulators' state the demo saved on exit. */
function remittancePayments(demoDir: string): string[] {
  const saved = JSON.parse(readFileSync(join(demoDir, 'emulators.json'), 'utf8')) as {
    b1: { IncomingPayments: [string, { Reference2?: string }][] };
  };
  const ids = new Set(DEMO_REMITTANCE.map((l) => l.id));
  return saved.b1.IncomingPayments.map(([, p]) => p.Reference2 ?? '')
    .filter((ref) => ids.has(ref))
    .sort();
}

const BATCH = /^open-invoices-\d{8}-[0-9a-f]{8}\.csv$/;

describe('sluice demo', () => {
  it('runs every shipped pipeline against the emulators, then finds nothing left to change, and exits', async () => {
    const dir = tempDir();
    const demo = join(dir, 'demo');
    // the suite provisions OpenSSH (as the SFTP pipelines' tests do): the demo runs its sshd
    const env = { SLUICE_DEMO_SSHD: ensureInstalled() };
    // The CLI returning at all shows it exits by itself (the test's timeout bounds how long it may take).
    const traffic = join(dir, 'traffic.ndjson');
    const r = await cli(['demo', '--dir', demo, '--record-traffic', traffic], { cwd: dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const name of DEMO_PIPELINES) expect(r.stdout).toMatch(new RegExp(`${name}\\s+(succeeded|attention) `));
    expect(r.stdout).toContain(
      `${DEMO_PIPELINES.length} of ${DEMO_PIPELINES.length} pipelines ran, the second pass has nothing left to change`,
    );
    // the parked reports name what is missing
    expect(r.stdout).toContain('expense type GIFTS has no G/L account');
    // the AR write-backs: SAP's refusals of payments are in attention with SAP's reason
    expect(r.stdout).toMatch(/attention PAY-1003: .*Document 14 is already closed/);
    expect(r.stdout).toMatch(/attention PAY-1004: .*exceeds the open amount of document 5/);
    // the SFTP pipelines ran against the demo's OpenSSH server: the nightly batch file is in the
    // outbox with the invoices still open (invoice 11, paid in full by the remittance, is not), and
    // the remittance file was posted and archived, each of its payments once in SAP
    expect(r.stdout).not.toContain('Not run');
    expect(r.stdout).toMatch(/SFTP server \(OpenSSH\) 127\.0\.0\.1:\d+/);
    expect(r.stdout).not.toMatch(/PRIVATE KEY/);
    const outbox = join(demo, 'sftp', 'inbound', 'invoices');
    const batches = readdirSync(outbox);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatch(BATCH);
    const rows = readFileSync(join(outbox, batches[0]!), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe(
      'erp_document_id,number,customer,currency,amount,open_amount,issue_date,due_date,customer_reference',
    );
    expect(rows.map((row) => row.split(',')[0])).toEqual(['erp_document_id', '3', '4', '5', '8', '9', '10']);
    const inbox = join(demo, 'sftp', 'outbound', 'remittances');
    expect(readdirSync(join(inbox, 'archive'))).toEqual([DEMO_REMITTANCE_FILE]);
    expect(existsSync(join(inbox, DEMO_REMITTANCE_FILE))).toBe(false);
    expect(r.stdout).toMatch(/sftp-remittances-to-sap-b1\s+succeeded read 2, create 2, .*\| written 2 \|/);
    expect(remittancePayments(demo)).toEqual(['RMT-5001', 'RMT-5002']);
    // the embedded state store is where the demo says, and the process ended (nothing left running)
    expect(existsSync(join(dir, 'demo', 'state.db'))).toBe(true);

    // a second demo continues from what the first left behind: nothing to create, update or delete
    const again = await cli(['demo', '--dir', demo, '--record-traffic', traffic], { cwd: dir, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const firstPass = again.stdout.split('Second pass')[0]!;
    // (a payment SAP refused is not sent again while its record and the connections stay the same; were a
    // port taken meanwhile, the changed connection would plan it again as a create: nothing is written)
    for (const name of DEMO_PIPELINES)
      expect(firstPass).toMatch(
        name === 'ar-payments-to-sap-b1'
          ? new RegExp(`${name}\\s+\\w+\\s+read \\d+, create \\d+, update 0, delete 0, .*\\| written 0 \\|`)
          : new RegExp(`${name}\\s+\\w+\\s+read \\d+, create 0, update 0, delete 0,`),
      );
    // over SFTP too: no second batch file, the remittance's payments still once each
    expect(readdirSync(outbox)).toEqual(batches);
    expect(remittancePayments(demo)).toEqual(['RMT-5001', 'RMT-5002']);

    // what both demos sent and got, held against the vendor specs (test/contract/README.md)
    const test = 'sluice demo (subprocess)';
    const exchanges = readTrafficFile(traffic).map((x) => ({ ...x, test }));
    expect(new Set(exchanges.map((x) => x.system))).toEqual(new Set(['concur', 'sap-b1']));
    const { failing, open } = triage(checkTraffic(exchanges));
    if (open.length > 0) console.warn(formatOpenFindings(open, 'demo.test.ts'));
    expect(failing.length === 0 ? '' : formatMismatches(failing, 'demo.test.ts')).toBe('');
  }, 90_000);

  it('without an sshd, runs the other pipelines and says which it did not run and why', async () => {
    const dir = tempDir();
    const r = await cli(['demo', '--dir', join(dir, 'demo')], { cwd: dir, env: { SLUICE_DEMO_SSHD: 'none' } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `Not run: ${DEMO_SFTP_PIPELINES.join(', ')} (no sshd found: apt-get install openssh-server)`,
    );
    const others = DEMO_PIPELINES.length - DEMO_SFTP_PIPELINES.length;
    expect(r.stdout).toContain(`${others} of ${others} pipelines ran, the second pass has nothing left to change`);
    for (const name of DEMO_SFTP_PIPELINES) expect(r.stdout).not.toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(existsSync(join(dir, 'demo', 'sftp'))).toBe(false);
  }, 90_000);
});
