/**
 * Checks traffic files written by `sluice demo --record-traffic <file>` (one exchange per JSON line)
 * against the vendored specs: `node dist/test/contract/files.js <file>...` prints every mismatch and
 * every open finding hit, and exits 1 when a mismatch is not an open finding.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrafficFile } from '../../engine/emulator-kit/recorder.js';
import { checkTraffic, formatMismatches } from './check.js';
import { formatOpenFindings, triage } from './open-findings.js';

export interface FilesReport {
  exchanges: number;
  failing: number;
  text: string;
}

export function checkTrafficFiles(files: readonly string[]): FilesReport {
  let exchanges = 0;
  let failing = 0;
  const blocks: string[] = [];
  for (const file of files) {
    const name = basename(file);
    const recorded = readTrafficFile(file).map((x) => ({ ...x, test: name }));
    exchanges += recorded.length;
    const found = triage(checkTraffic(recorded));
    failing += found.failing.length;
    if (found.failing.length > 0) blocks.push(formatMismatches(found.failing, name));
    if (found.open.length > 0) blocks.push(formatOpenFindings(found.open, name));
  }
  blocks.push(`${exchanges} exchange(s) in ${files.length} file(s), ${failing} contract mismatch(es)`);
  return { exchanges, failing, text: blocks.join('\n\n') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node dist/test/contract/files.js <traffic.ndjson>...\n');
    process.exit(2);
  }
  const report = checkTrafficFiles(files);
  process.stdout.write(`${report.text}\n`);
  process.exit(report.failing > 0 ? 1 : 0);
}
