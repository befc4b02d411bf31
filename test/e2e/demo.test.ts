/** The README's main command: `sluice demo` through the CLI, as a subprocess. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { DEMO_PIPELINES, DEMO_SKIPPED_SFTP } from '../../app/demo/pipelines.js';
import { readTrafficFile } from '../../engine/emulator-kit/recorder.js';
import { checkTraffic, formatMismatches } from '../contract/check.js';
import { formatOpenFindings, triage } from '../contract/open-findings.js';

describe('sluice demo', () => {
  it('runs every shipped pipeline against the emulators, then finds nothing left to change, and exits', async () => {
    const dir = tempDir();
    // The CLI returning at all shows it exits by itself (the test's timeout bounds how long it may take).
    const traffic = join(dir, 'traffic.ndjson');
    const r = await cli(['demo', '--dir', join(dir, 'demo'), '--record-traffic', traffic], { cwd: dir });
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
    // the SFTP pipelines are not run, and the demo says so
    for (const name of DEMO_SKIPPED_SFTP) expect(r.stdout).toMatch(new RegExp(`Not run: .*${name}`));
    // the embedded state store is where the demo says, and the process ended (nothing left running)
    expect(existsSync(join(dir, 'demo', 'state.db'))).toBe(true);

    // a second demo continues from what the first left behind: nothing to create, update or delete
    const again = await cli(['demo', '--dir', join(dir, 'demo'), '--record-traffic', traffic], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const firstPass = again.stdout.split('Second pass')[0]!;
    // (a payment SAP refused is tried again, and refused again: planned as a create, nothing written)
    for (const name of DEMO_PIPELINES)
      expect(firstPass).toMatch(
        name === 'ar-payments-to-sap-b1'
          ? new RegExp(`${name}\\s+\\w+\\s+read \\d+, create \\d+, update 0, delete 0, .*\\| written 0 \\|`)
          : new RegExp(`${name}\\s+\\w+\\s+read \\d+, create 0, update 0, delete 0,`),
      );

    // what both demos sent and got, held against the vendor specs (test/contract/README.md)
    const test = 'sluice demo (subprocess)';
    const exchanges = readTrafficFile(traffic).map((x) => ({ ...x, test }));
    expect(new Set(exchanges.map((x) => x.system))).toEqual(new Set(['concur', 'sap-b1']));
    const { failing, open } = triage(checkTraffic(exchanges));
    if (open.length > 0) console.warn(formatOpenFindings(open, 'demo.test.ts'));
    expect(failing.length === 0 ? '' : formatMismatches(failing, 'demo.test.ts')).toBe('');
  }, 90_000);
});
