import { openConnection } from '../../engine/connector/dispatch.js';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RejectedRow } from '../../engine/connector/types.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { fileConnector } from './index.js';

const dir = tempDir('sluice-file-scale-');

/** Row i of the big CSV; a few are broken (wrong field count, unclosed quote, invalid UTF-8). */
const BAD: Record<number, string> = {
  17: '17,only-two',
  250_000: '250000,"unclosed,1',
  500_001: '500001,caf\xe9,3',
  999_998: '999998,x,y,z',
};

describe('file source at scale', () => {
  it('streams a 1M-row CSV with a few bad rows in pages with bounded heap, rejecting just those rows', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('id,amount,note\n');
    for (let i = 0; i < 1_000_000; i++) {
      const bad = BAD[i];
      const line = bad !== undefined ? Buffer.from(`${bad}\n`, 'latin1') : `${i},${i}.50,"some text, quoted"\n`;
      if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    const conn = await openConnection(fileConnector, {}, conformanceContext({ baseDir: dir }));
    const rejects: RejectedRow[] = [];
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let pages = 0;
    let previous = -1;
    let ordered = true;
    const source = conn.source('records', { path: 'big.csv' });
    for await (const page of source.read({ pageSize: 1000, reject: (row) => rejects.push(row) })) {
      for (const r of page) {
        const id = Number(r.id);
        if (id <= previous) ordered = false;
        previous = id;
      }
      count += page.length;
      pages++;
      if (pages % 100 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    await conn.close();
    expect(count).toBe(1_000_000 - 4);
    expect(ordered).toBe(true);
    expect(rejects.map((r) => [r.location, r.code, r.key])).toEqual([
      ['big.csv:19:1', 'FILE_CSV_FIELD_COUNT', '17'],
      ['big.csv:250002:1', 'FILE_CSV_QUOTE', undefined],
      ['big.csv:500003:1', 'FILE_INVALID_UTF8', '500001'],
      ['big.csv:1000000:1', 'FILE_CSV_FIELD_COUNT', '999998'],
    ]);
    // The file is ~35 MB and parses to a few hundred MB of objects; a streaming read holds a page.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);

  it('locates every one of many bad rows exactly, in one pass', async () => {
    const lines: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      if (i % 5 === 0) {
        lines.push(`{"id":"${i}",}`);
        expected.push(`many.jsonl:${lines.length}:1`);
      } else {
        lines.push(`{"id":"${i}","multi":"line"}`);
      }
      if (i % 7 === 0) lines.push(''); // blank lines count as lines
    }
    writeFileSync(join(dir, 'many.jsonl'), `${lines.join('\n')}\n`);
    const conn = await openConnection(fileConnector, {}, conformanceContext({ baseDir: dir }));
    const rejects: RejectedRow[] = [];
    let count = 0;
    for await (const page of conn.source('records', { path: 'many.jsonl' }).read({ reject: (r) => rejects.push(r) }))
      count += page.length;
    await conn.close();
    expect(count).toBe(40_000);
    expect(rejects.map((r) => r.location)).toEqual(expected);
  });
});
