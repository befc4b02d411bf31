import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../engine/errors.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { scanFile } from './scan.js';
import { csvSplitter, jsonlSplitter, type Splitter } from './split.js';
import { jsonArraySplitter } from './split-json.js';

const dir = tempDir('sluice-scan-');

async function spans(
  content: string | Buffer,
  splitter: Splitter,
  chunkSize: number,
): Promise<{ offset: number; text: string }[]> {
  const path = join(dir, `f-${Math.random()}`);
  writeFileSync(path, content);
  const out: { offset: number; text: string }[] = [];
  for await (const batch of scanFile(path, splitter, { chunkSize }))
    for (const s of batch) out.push({ offset: s.offset, text: s.bytes.toString('utf8') });
  return out;
}

describe('scanFile with record splitters', () => {
  it('splits JSON Lines at every chunk size, skipping blank lines, CRLF and a BOM, with exact byte offsets', async () => {
    const content = '\uFEFF{"id":"é1"}\r\n\n  \n{"id":"b"}\n{"id":"c"}';
    for (const chunkSize of [1, 2, 3, 7, 64]) {
      expect(await spans(content, jsonlSplitter(), chunkSize)).toEqual([
        { offset: 3, text: '{"id":"é1"}' },
        { offset: 21, text: '{"id":"b"}' },
        { offset: 32, text: '{"id":"c"}' },
      ]);
    }
  });

  it('splits CSV records at newlines outside quotes', async () => {
    const content = 'id,note\n1,"multi\nline, ""quoted"""\n2,plain\n';
    for (const chunkSize of [1, 5, 64]) {
      expect((await spans(content, csvSplitter(), chunkSize)).map((s) => s.text)).toEqual([
        'id,note',
        '1,"multi\nline, ""quoted"""',
        '2,plain',
      ]);
    }
  });

  it('reports an unterminated CSV quote with its line', async () => {
    await expect(spans('id,note\n1,"open\n2,x\n', csvSplitter(), 4)).rejects.toMatchObject({
      code: 'FILE_PARSE_ERROR',
      location: { line: 2 },
    });
  });

  it('splits a JSON array into its objects, whatever the nesting, strings and formatting', async () => {
    const records = [{ id: 'a', s: 'br]ack}et"s\\', nested: { list: [1, { x: '[' }] } }, { id: 'b' }];
    for (const text of [JSON.stringify(records), JSON.stringify(records, null, 4)]) {
      for (const chunkSize of [1, 3, 1000]) {
        const found = await spans(text, jsonArraySplitter(), chunkSize);
        expect(found.map((s) => JSON.parse(s.text))).toEqual(records);
        expect(text.slice(found[1]!.offset, found[1]!.offset + found[1]!.text.length)).toBe(found[1]!.text);
      }
    }
    expect(await spans('  ', jsonArraySplitter(), 4)).toEqual([]);
    expect(await spans('[ ]', jsonArraySplitter(), 4)).toEqual([]);
  });

  it('rejects JSON that is not an array of objects, with a location', async () => {
    await expect(spans('{"id": 1}', jsonArraySplitter(), 64)).rejects.toMatchObject({
      code: 'FILE_PARSE_ERROR',
      location: { line: 1, col: 1 },
    });
    await expect(spans('[\n{"id": 1},\n 7]', jsonArraySplitter(), 64)).rejects.toMatchObject({
      location: { line: 3, col: 2 },
    });
    await expect(spans('[{"id": 1}', jsonArraySplitter(), 64)).rejects.toThrow(/unterminated array/);
    await expect(spans('[{"id": 1}] x', jsonArraySplitter(), 64)).rejects.toThrow(/after the end/);
  });

  it('fails on a missing file with a non-retryable FILE_NOT_FOUND', async () => {
    const err = await spans(Buffer.alloc(0), jsonlSplitter(), 4)
      .then(async () => {
        for await (const b of scanFile(join(dir, 'missing.jsonl'), jsonlSplitter())) void b;
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'FILE_NOT_FOUND', retryable: false });
  });
});
