import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConformanceSuite } from '../../test/conformance/suite.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { fileConnector, type FileConfig } from './index.js';

const SOURCE = [
  { id: 'a', amount: 1, day: '2024-01-01' },
  { id: 'b', amount: 2, day: '2024-01-02' },
  { id: 'c', amount: 3, day: '2024-01-03' },
  { id: 'd', amount: 4, day: '2024-01-04' },
  { id: 'e', amount: 5, day: '2024-01-05' },
];

const FORMATS = {
  jsonl: (rows: typeof SOURCE) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  json: (rows: typeof SOURCE) => JSON.stringify(rows, null, 2),
  csv: (rows: typeof SOURCE) =>
    ['id,amount,day', ...rows.map((r) => `${r.id},${r.amount},${r.day}`)].join('\r\n') + '\r\n',
};

for (const [format, render] of Object.entries(FORMATS)) {
  const isCsv = format === 'csv';
  runConformanceSuite<FileConfig>({
    name: `file (${format})`,
    definition: fileConnector,
    async setup() {
      const dir = tempDir('sluice-file-conf-');
      writeFileSync(join(dir, `source.${format}`), render(SOURCE));
      return {
        config: { baseDir: dir },
        invalidConfigs: [{ baseDir: '' }, { baseDir: 3 }],
        source: {
          resource: 'records',
          options: { path: `source.${format}` },
          expectedKeys: SOURCE.map((r) => r.id),
          incremental: { cursorField: 'day', since: '2024-01-04', expectedKeys: ['d', 'e'] },
        },
        target: {
          resource: 'records',
          options: { path: `out/target.${format}` },
          // CSV stores text: records are written as strings so that they read back identical.
          newRecord: (i) =>
            isCsv
              ? { id: `n${i}`, name: `Name ${i}`, amount: String(i) }
              : { id: `n${i}`, name: `Name ${i}`, amount: i, tags: ['x'] },
          changeRecord: (r) => ({ ...r, name: `${String(r.name)}, changed` }),
          rejectedRecord: () => (isCsv ? { id: 'bad', name: 'x', unknownColumn: 'y' } : { id: 'bad', amount: 10n }),
        },
      };
    },
    async injectFinalFailure(fx) {
      const path = join(fx.config.baseDir!, `source.${format}`);
      const original = readFileSync(path);
      writeFileSync(
        path,
        format === 'json' ? '{"not": "an array"}' : isCsv ? 'id,amount\n"unterminated\n' : 'not json\n',
      );
      return async () => writeFileSync(path, original);
    },
  });
}
