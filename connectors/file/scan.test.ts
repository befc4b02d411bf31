import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../engine/errors.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { scanFile } from './scan.js';
import { jsonlSplitter, type Splitter } from './split.js';
import { csvSplitter } from './split-csv.js';
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

interface Found {
  text: string;
  line: number;
  col: number;
  code?: string;
  message?: string;
}

async function problems(
  content: string | Buffer,
  splitter: Splitter,
  chunkSize: number,
  encoding: BufferEncoding = 'utf8',
): Promise<Found[]> {
  const path = join(dir, `f-${Math.random()}`);
  writeFileSync(path, content);
  const out: Found[] = [];
  for await (const batch of scanFile(path, splitter, { chunkSize, encoding })) {
    for (const s of batch) {
      const found: Found = { text: s.bytes.toString(encoding), line: s.line, col: s.col };
      if (s.problem) Object.assign(found, s.problem);
      out.push(found);
    }
  }
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
      expect((await spans(content, csvSplitter(Buffer.from(',')), chunkSize)).map((s) => s.text)).toEqual([
        'id,note',
        '1,"multi\nline, ""quoted"""',
        '2,plain',
      ]);
    }
  });

  it('ends a row with an unclosed CSV quote at the end of its line, and reads the lines after it', async () => {
    for (const chunkSize of [1, 4, 64]) {
      const found = await problems('id,note\n1,"open\n2,x\n3,"ok"\n', csvSplitter(Buffer.from(',')), chunkSize);
      expect(found).toEqual([
        { text: 'id,note', line: 1, col: 1 },
        { text: '1,"open', line: 2, col: 1, code: 'FILE_CSV_QUOTE', message: expect.stringContaining('opened at 2:3') },
        { text: '2,x', line: 3, col: 1 },
        { text: '3,"ok"', line: 4, col: 1 },
      ]);
    }
  });

  it('takes a multi-line quoted field closed by text as unclosed, so the next row is not swallowed', async () => {
    const found = await problems('id,note\n1,"open\n2,"two"\n', csvSplitter(Buffer.from(',')), 3);
    expect(found.map((s) => [s.text, s.code])).toEqual([
      ['id,note', undefined],
      ['1,"open', 'FILE_CSV_QUOTE'],
      ['2,"two"', undefined],
    ]);
  });

  it('leaves quotes inside an unquoted field to the decoding, and reads legitimate multi-line fields whole', async () => {
    const found = await problems('a,b"c\n"x\ny","z"\n', csvSplitter(Buffer.from(',')), 2);
    expect(found.map((s) => [s.text, s.line, s.code])).toEqual([
      ['a,b"c', 1, undefined],
      ['"x\ny","z"', 2, undefined],
    ]);
  });

  it('gives up on a record beyond the limit: an unclosed quote ends with its line, a long line is skipped', async () => {
    const split = () => csvSplitter(Buffer.from(','), { maxRecordBytes: 32 });
    const quote = `1,"open\n${'2,x\n'.repeat(20)}`;
    const found = await problems(quote, split(), 8);
    expect(found[0]).toMatchObject({ text: '1,"open', code: 'FILE_CSV_QUOTE' });
    expect(found.slice(1).map((s) => s.text)).toEqual(Array(20).fill('2,x'));
    const long = await problems(`1,a\n${'x'.repeat(100)}\n3,c\n`, split(), 8);
    expect(long.map((s) => [s.line, s.code])).toEqual([
      [1, undefined],
      [2, 'FILE_ROW_TOO_LONG'],
      [3, undefined],
    ]);
    const jsonl = await problems(`{}\n${'x'.repeat(100)}\n{}`, jsonlSplitter({ maxRecordBytes: 32 }), 8);
    expect(jsonl.map((s) => [s.line, s.code])).toEqual([
      [1, undefined],
      [2, 'FILE_ROW_TOO_LONG'],
      [3, undefined],
    ]);
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

  it('splits any JSON array element, and reports empty elements (stray and trailing commas) with their place', async () => {
    const text = '[\n{"id": 1},\n 7, NaN , {"a": [1, "]"]}},\n,{"b": 2},\n]';
    for (const chunkSize of [1, 2, 5, 64]) {
      expect(await problems(text, jsonArraySplitter(), chunkSize)).toEqual([
        { text: '{"id": 1}', line: 2, col: 1 },
        { text: '7', line: 3, col: 2 },
        { text: 'NaN', line: 3, col: 5 },
        { text: '{"a": [1, "]"]}}', line: 3, col: 11 },
        { text: ',', line: 4, col: 1, code: 'FILE_JSON_INVALID', message: expect.stringMatching(/stray comma/) },
        { text: '{"b": 2}', line: 4, col: 2 },
        { text: ',', line: 4, col: 10, code: 'FILE_JSON_INVALID', message: expect.stringMatching(/trailing comma/) },
      ]);
    }
  });

  it('throws, with a location, on JSON whose structure is broken beyond the element', async () => {
    await expect(spans('{"id": 1}', jsonArraySplitter(), 64)).rejects.toMatchObject({
      code: 'FILE_PARSE_ERROR',
      location: { line: 1, col: 1 },
    });
    await expect(spans('[\n{"id": 1},\n {"a": [1}]', jsonArraySplitter(), 4)).rejects.toMatchObject({
      code: 'FILE_PARSE_ERROR',
      message: expect.stringMatching(/:3:10: mismatched "}"/),
      location: { line: 3, col: 10 },
    });
    await expect(spans('[{"id": 1},\n  {"id": "open}]\n', jsonArraySplitter(), 4)).rejects.toMatchObject({
      message: expect.stringMatching(/:2:3: an array element starts here and never ends/),
    });
    await expect(spans('[{"id": 1}', jsonArraySplitter(), 64)).rejects.toThrow(/unterminated array/);
    await expect(spans('[{"id": 1}] x', jsonArraySplitter(), 64)).rejects.toThrow(/after the end/);
    const big = `[{"id": 1}, {"note": "${'x'.repeat(200)}"}]`;
    await expect(spans(big, jsonArraySplitter({ maxRecordBytes: 64 }), 16)).rejects.toThrow(/larger than 64 bytes/);
  });

  it('counts lines and columns in characters, whatever the chunk size', async () => {
    const text = '[{"n": "é€😀"}, {"n": 2},\r\n  {"n": 3}]';
    for (const chunkSize of [1, 3, 64]) {
      const found = await problems(text, jsonArraySplitter(), chunkSize);
      expect(found.map((s) => [s.line, s.col])).toEqual([
        [1, 2],
        [1, 16], // code points: the emoji is one column
        [2, 3],
      ]);
    }
    const latin1 = Buffer.from('[{"n": "\xe9\xe9"}, {"n": 2}]', 'latin1');
    const found = await problems(latin1, jsonArraySplitter(), 4, 'latin1');
    expect(found.map((s) => s.col)).toEqual([2, 15]);
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
