import { openConnection } from '../../engine/connector/dispatch.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataRecord, RejectedRow } from '../../engine/connector/types.js';
import { ConnectorError, RecordError, SluiceError } from '../../engine/errors.js';
import { conformanceContext } from '../../test/conformance/context.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { DecodeError, SplitError } from './errors.js';
import { EncodeError } from './encode.js';
import { fileConnector } from './index.js';

const dir = tempDir('sluice-file-rejects-');

interface Read {
  records: DataRecord[];
  rejects: RejectedRow[];
}

async function read(name: string, content: string | Buffer, options: DataRecord = {}): Promise<Read> {
  writeFileSync(join(dir, name), content);
  const conn = await openConnection(fileConnector, {}, conformanceContext({ baseDir: dir }));
  const rejects: RejectedRow[] = [];
  const records: DataRecord[] = [];
  try {
    const source = conn.source('records', { path: name, ...options });
    for await (const page of source.read({ pageSize: 2, reject: (row) => rejects.push(row) })) records.push(...page);
  } finally {
    await conn.close();
  }
  return { records, rejects };
}

async function readWithoutReject(name: string, options: DataRecord = {}): Promise<unknown> {
  const conn = await openConnection(fileConnector, {}, conformanceContext({ baseDir: dir }));
  try {
    for await (const page of conn.source('records', { path: name, ...options }).read({})) void page;
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await conn.close();
  }
}

describe('file source: bad CSV rows', () => {
  it('rejects rows with the wrong number of fields, with location, raw text and key, and yields the rest in order', async () => {
    const { records, rejects } = await read('count.csv', 'id,name,amount\n1,a,10\n2,b\n3,c,30,x\n4,d,40\n5,e,50\n');
    expect(records.map((r) => r.id)).toEqual(['1', '4', '5']);
    expect(records[1]).toEqual({ id: '4', name: 'd', amount: '40' });
    expect(rejects).toEqual([
      {
        location: 'count.csv:3:1',
        code: 'FILE_CSV_FIELD_COUNT',
        message: expect.stringMatching(/expected 3 fields .*found 2/),
        raw: '2,b',
        key: '2',
      },
      expect.objectContaining({ location: 'count.csv:4:1', raw: '3,c,30,x', key: '3' }),
    ]);
  });

  it('without reject (a lookup), the first bad row fails the read with its file:line:col', async () => {
    const err = await readWithoutReject('count.csv');
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({
      code: 'FILE_CSV_FIELD_COUNT',
      retryable: false,
      recordKey: '2',
      location: { file: join(dir, 'count.csv'), line: 3, col: 1 },
    });
    expect((err as Error).message).toMatch(/^count\.csv:3:1: expected 3 fields/);
    expect((err as Error).cause).toBeInstanceOf(DecodeError);
  });

  it('rejects quoting errors row by row; an unclosed quote ends at its line and the rows after it are read', async () => {
    const csv = [
      'id,note',
      '1,plain',
      '2,ab"c',
      '3,"x"y',
      '4,"multi',
      'line, ""quoted"""',
      '5,"never closed',
      '6,"after"',
      '7,last',
      '',
    ].join('\n');
    const { records, rejects } = await read('quotes.csv', csv);
    expect(records).toEqual([
      { id: '1', note: 'plain' },
      { id: '4', note: 'multi\nline, "quoted"' },
      { id: '6', note: 'after' },
      { id: '7', note: 'last' },
    ]);
    expect(rejects.map((r) => [r.location, r.code, r.raw])).toEqual([
      ['quotes.csv:3:1', 'FILE_CSV_QUOTE', '2,ab"c'],
      ['quotes.csv:4:1', 'FILE_CSV_QUOTE', '3,"x"y'],
      ['quotes.csv:7:1', 'FILE_CSV_QUOTE', '5,"never closed'],
    ]);
    expect(rejects[0]!.message).toMatch(/a quote inside the unquoted field 2/);
    expect(rejects[1]!.message).toMatch(/text right after the closing quote of field 2/);
    expect(rejects[2]!.message).toMatch(/opened at 7:3 is not closed/);
  });

  it('reports an unclosed quote in the last row, and a broken header fails the whole read', async () => {
    const { records, rejects } = await read('tail.csv', 'id,note\n1,ok\n2,"open\nstill open\n3,x\n');
    expect(records).toEqual([
      { id: '1', note: 'ok' },
      { id: '3', note: 'x' },
    ]);
    // The lines after the quote's line are rows again: "still open" has one field of two.
    expect(rejects.map((r) => [r.location, r.code, r.raw])).toEqual([
      ['tail.csv:3:1', 'FILE_CSV_QUOTE', '2,"open'],
      ['tail.csv:4:1', 'FILE_CSV_FIELD_COUNT', 'still open'],
    ]);
    const err = (await read('header.csv', 'id,na"me\n1,a\n').catch((e: unknown) => e)) as SluiceError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toMatch(/^header\.csv:1:1: the CSV header cannot be read/);
  });
});

describe('file source: bad JSON rows', () => {
  it('rejects JSON Lines lines that are not JSON objects, and numbers that read as Infinity', async () => {
    const lines = [
      '{"id":"1"}',
      '{"id":',
      '[1,2]',
      '"text"',
      '{"id":"5","amount":1e999}',
      '',
      '{"id":"6","n":-1e400}',
      '{"id":"7"}',
    ];
    const { records, rejects } = await read('rows.jsonl', `${lines.join('\n')}\n`);
    expect(records).toEqual([{ id: '1' }, { id: '7' }]);
    expect(rejects.map((r) => [r.location, r.code, r.raw, r.key])).toEqual([
      ['rows.jsonl:2:1', 'FILE_JSON_INVALID', '{"id":', undefined],
      ['rows.jsonl:3:1', 'FILE_JSON_NOT_OBJECT', '[1,2]', undefined],
      ['rows.jsonl:4:1', 'FILE_JSON_NOT_OBJECT', '"text"', undefined],
      ['rows.jsonl:5:1', 'FILE_NUMBER_NOT_FINITE', '{"id":"5","amount":1e999}', '5'],
      ['rows.jsonl:7:1', 'FILE_NUMBER_NOT_FINITE', '{"id":"6","n":-1e400}', '6'],
    ]);
    expect(rejects[3]!.message).toMatch(/the number at amount is out of range/);
    expect(rejects[2]!.message).toMatch(/not a string/);
  });

  it('rejects a line nested 10,000 levels deep without overflowing the stack, with the path and a capped raw text', async () => {
    const deep = `{"id":"d","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const { records, rejects } = await read('deep.jsonl', `{"id":"a"}\n${deep}\n{"id":"b","ok":[[1]]}\n`);
    expect(records).toEqual([{ id: 'a' }, { id: 'b', ok: [[1]] }]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ location: 'deep.jsonl:2:1', code: 'FILE_TOO_DEEP', key: 'd' });
    expect(rejects[0]!.message).toMatch(/deeper than 64 levels \(at x(\[0\]){63}\)/);
    expect(rejects[0]!.raw).toHaveLength(2001);
    expect(rejects[0]!.raw.endsWith('[[[…')).toBe(true);
  });

  it('rejects JSON array elements that are invalid JSON or not objects, and yields the good ones in order', async () => {
    const json =
      '[\n  {"id": "1"},\n  {"id": "2", "x": NaN},\n  7,\n  {"id": "4",},\n  {"id": "5", "a": 1e999},\n  {"id": "6"},\n]\n';
    const { records, rejects } = await read('array.json', json);
    expect(records).toEqual([{ id: '1' }, { id: '6' }]);
    expect(rejects.map((r) => [r.location, r.code, r.raw])).toEqual([
      ['array.json:3:3', 'FILE_JSON_INVALID', '{"id": "2", "x": NaN}'],
      ['array.json:4:3', 'FILE_JSON_NOT_OBJECT', '7'],
      ['array.json:5:3', 'FILE_JSON_INVALID', '{"id": "4",}'],
      ['array.json:6:3', 'FILE_NUMBER_NOT_FINITE', '{"id": "5", "a": 1e999}'],
      ['array.json:7:14', 'FILE_JSON_INVALID', ','],
    ]);
    expect(rejects[4]!.message).toMatch(/trailing comma/);
  });

  it('still throws, located, for a JSON array broken beyond recovery, even with reject', async () => {
    const err = await read('broken.json', '[\n  {"id": "1"},\n  {"id": "2", "a": [1}\n]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({
      code: 'FILE_PARSE_ERROR',
      location: { file: join(dir, 'broken.json'), line: 3, col: 22 },
    });
    expect((err as Error).message).toMatch(/^broken\.json:3:22: mismatched/);
    const open = await read('open.json', '[{"id": "1"}, {"id": "2"').catch((e: unknown) => e);
    expect(open).toMatchObject({ code: 'FILE_PARSE_ERROR', location: { line: 1, col: 15 } });
  });
});

describe('file source: encodings', () => {
  const bytes = (...parts: (string | number[])[]): Buffer =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

  it('rejects invalid UTF-8 with its byte offset and line:col, escaping the bytes in the raw text, never replacing them', async () => {
    const content = bytes('{"id":"1","name":"café"}\n{"id":"2","name":"caf', [0xe9], '"}\n{"id":"3"}\n');
    const { records, rejects } = await read('latin.jsonl', content);
    expect(records).toEqual([{ id: '1', name: 'café' }, { id: '3' }]);
    expect(rejects).toEqual([
      {
        location: 'latin.jsonl:2:1',
        code: 'FILE_INVALID_UTF8',
        message: expect.stringContaining('byte 0xE9 at byte offset 47 (2:22)'),
        raw: '{"id":"2","name":"caf\\xE9"}',
        key: '2',
      },
    ]);
    expect(JSON.stringify(records)).not.toContain('\uFFFD');
  });

  it('rejects invalid UTF-8 in a CSV row (truncated sequences and overlongs too), keeping the clean key', async () => {
    const content = bytes(
      'id,name\n1,caf',
      [0xc3, 0xa9],
      '\n2,caf',
      [0xe9],
      '\n3,',
      [0xc0, 0xaf],
      '\n4,',
      [0xe2, 0x82],
      '\n5,ok\n',
    );
    const { records, rejects } = await read('utf.csv', content);
    expect(records).toEqual([
      { id: '1', name: 'café' },
      { id: '5', name: 'ok' },
    ]);
    expect(rejects.map((r) => [r.location, r.raw, r.key])).toEqual([
      ['utf.csv:3:1', '2,caf\\xE9', '2'],
      ['utf.csv:4:1', '3,\\xC0\\xAF', '3'],
      ['utf.csv:5:1', '4,\\xE2\\x82', '4'],
    ]);
  });

  it('decodes a file declared latin1 as latin1, and refuses high bytes in a file declared ascii', async () => {
    const content = bytes('id,name\n2,caf', [0xe9], '\n');
    expect((await read('l1.csv', content, { encoding: 'latin1' })).records).toEqual([{ id: '2', name: 'café' }]);
    const ascii = await read('a.csv', content, { encoding: 'ascii' });
    expect(ascii.records).toEqual([]);
    expect(ascii.rejects).toEqual([
      expect.objectContaining({ code: 'FILE_INVALID_ASCII', raw: '2,caf\\xE9', key: '2' }),
    ]);
  });

  it('counts columns in characters and skips a BOM', async () => {
    const { rejects } = await read('bom.json', bytes([0xef, 0xbb, 0xbf], '[{"n": "é€"}, 7]'));
    expect(rejects.map((r) => r.location)).toEqual(['bom.json:1:15']);
  });
});

describe('file connector error classes', () => {
  it('extend the engine base classes', () => {
    expect(new DecodeError('FILE_JSON_INVALID', 'x')).toBeInstanceOf(RecordError);
    expect(new SplitError('x', 0)).toBeInstanceOf(ConnectorError);
    expect(new EncodeError('RECORD_NOT_ENCODABLE', 'x')).toBeInstanceOf(RecordError);
    expect(new SplitError('x', 0)).toMatchObject({ code: 'FILE_PARSE_ERROR', retryable: false });
  });
});
