import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SystemExchange } from '../../engine/emulator-kit/recorder.js';
import { tempDir } from '../helpers/tmp.js';
import { checkTrafficFiles } from './files.js';

const exchange = (url: string): SystemExchange => ({
  system: 'sap-b1',
  requestId: 1,
  at: 0,
  request: { method: 'GET', url, headers: { cookie: 'B1SESSION=[redacted]' }, body: '' },
});

describe('checking recorded traffic files', () => {
  it('counts exchanges and mismatches and names the file and the problem', () => {
    const file = join(tempDir(), 'traffic.ndjson');
    const lines = [exchange('/b1s/v2/Projects?$select=Code'), exchange('/b1s/v2/Projects?$orderby=Nme')];
    writeFileSync(file, lines.map((x) => `${JSON.stringify(x)}\n`).join(''));
    const report = checkTrafficFiles([file]);
    expect(report).toMatchObject({ exchanges: 2, failing: 1 });
    expect(report.text).toContain('1 contract mismatch(es) in traffic.ndjson');
    expect(report.text).toContain('$orderby: Nme is not a property of Project');
    expect(report.text).toMatch(/2 exchange\(s\) in 1 file\(s\), 1 contract mismatch\(es\)$/);
  });

  it('finds nothing wrong in a file that does not exist yet', () => {
    expect(checkTrafficFiles([join(tempDir(), 'none.ndjson')])).toMatchObject({ exchanges: 0, failing: 0 });
  });
});
