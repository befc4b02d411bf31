import { openConnection } from '../../engine/connector/dispatch.js';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataRecord, ReadRequest } from '../../engine/connector/types.js';
import { ConnectorError } from '../../engine/errors.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { fileConnector, type FileConfig, type FileConnection } from './index.js';
import { sinceFilter } from './source.js';

const dir = tempDir('sluice-file-source-');

function open(): ReturnType<typeof openConnection<FileConfig, FileConnection>> {
  return openConnection(fileConnector, {}, conformanceContext({ baseDir: dir }));
}

async function readAll(options: DataRecord, request: ReadRequest = {}): Promise<DataRecord[][]> {
  const conn = await open();
  try {
    const pages: DataRecord[][] = [];
    for await (const page of conn.source('records', options).read(request)) pages.push(page);
    return pages;
  } finally {
    await conn.close();
  }
}

describe('file source', () => {
  it('reads CSV with a header, quoted fields and a custom delimiter; values are strings', async () => {
    writeFileSync(join(dir, 'a.csv'), 'id;note\n1;"semi;colon, ""q"""\n2;"two\nlines"\n');
    const pages = await readAll({ path: 'a.csv', csv: { delimiter: ';' } });
    expect(pages.flat()).toEqual([
      { id: '1', note: 'semi;colon, "q"' },
      { id: '2', note: 'two\nlines' },
    ]);
  });

  it('reads headerless CSV with configured columns, and TSV by extension', async () => {
    writeFileSync(join(dir, 'b.txt'), 'x,1\ny,2\n');
    expect(
      (await readAll({ path: 'b.txt', format: 'csv', csv: { header: false, columns: ['id', 'n'] } })).flat(),
    ).toEqual([
      { id: 'x', n: '1' },
      { id: 'y', n: '2' },
    ]);
    writeFileSync(join(dir, 'c.tsv'), 'id\tname\nq\tQ, with comma\n');
    expect((await readAll({ path: 'c.tsv' })).flat()).toEqual([{ id: 'q', name: 'Q, with comma' }]);
  });

  it('reports malformed JSON Lines with the file, line and column', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"id":1}\n{"id":2}\n{"id":\n');
    const err = await readAll({ path: 'bad.jsonl' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({
      code: 'FILE_JSON_INVALID',
      retryable: false,
      location: { file: join(dir, 'bad.jsonl'), line: 3, col: 1 },
    });
    expect((err as Error).message).toMatch(/^bad\.jsonl:3:1: invalid JSON/);
    writeFileSync(join(dir, 'arr.jsonl'), '[1,2]\n');
    await expect(readAll({ path: 'arr.jsonl' })).rejects.toThrow(/must be a JSON object, not an array/);
  });

  it('reports malformed CSV with its location and a missing file as FILE_NOT_FOUND', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'id,a\n1,2,3\n');
    await expect(readAll({ path: 'bad.csv' })).rejects.toMatchObject({
      code: 'FILE_CSV_FIELD_COUNT',
      retryable: false,
      location: { line: 2, col: 1 },
    });
    await expect(readAll({ path: 'nope.csv' })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', retryable: false });
  });

  it('filters by since: numbers numerically, strings lexicographically, missing cursor values out', () => {
    const keep = sinceFilter({ since: '10', cursorField: 'v' })!;
    expect([{ v: 9 }, { v: 10 }, { v: 100 }, { v: '9' }, { v: '09' }, { v: null }, {}].map(keep)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(sinceFilter({ since: '10' })).toBeUndefined();
    const dates = sinceFilter({ since: '2024-02-01', cursorField: 'd' })!;
    expect([{ d: '2024-01-31T23:59' }, { d: '2024-02-01' }, { d: '2024-02-01T00:00:01Z' }].map(dates)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('yields the first page before reading the rest of the file (streams)', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ id: i }));
    writeFileSync(join(dir, 'tail-broken.jsonl'), `${lines.join('\n')}\n{broken\n`);
    const conn = await open();
    const iterator = conn
      .source('records', { path: 'tail-broken.jsonl' })
      .read({ pageSize: 10 })
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toHaveLength(10);
    await iterator.return?.();
    await conn.close();
  });

  it('reads a 1M-line JSON Lines file in pages with bounded heap', async () => {
    const path = join(dir, 'big.jsonl');
    const out = createWriteStream(path);
    for (let i = 0; i < 1_000_000; i++) {
      if (!out.write(`{"id":"k${i}","amount":${i},"note":"some text to make the line longer"}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    const conn = await open();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let pages = 0;
    for await (const page of conn.source('records', { path: 'big.jsonl' }).read({ pageSize: 1000 })) {
      count += page.length;
      pages++;
      if (pages % 100 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    await conn.close();
    expect(count).toBe(1_000_000);
    expect(pages).toBe(1000);
    // The file is ~70 MB and parses to several hundred MB of objects; a streaming read holds a page.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
